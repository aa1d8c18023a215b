from collections.abc import Callable
from typing import cast

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from book.services import chapter_stories_changed
from core.admin import BOUNDED_MANY_TO_MANY, AdminMixinBase, ReadOnlyAdminMixin

from . import services
from .batch_exports import batch_csv, batch_labels
from .codes import MalformedCode, normalise_code
from .forms import CodeBatchCreateForm, MembershipAssignForm
from .models import ClaimCode, CodeBatch, CodeBatchQuerySet, Invitation, Membership, Profile


def email_for_curators(email: str) -> str:
    """An address as curators should see it: with an internationalised domain, its
    punycode (xn--) form beside it, which gives away a look-alike letter (a Cyrillic
    "а" in "exаmple.org") that the Unicode form hides."""
    local, at, domain = email.rpartition("@")
    if not at or domain.isascii():
        return email
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_domain = domain.encode("ascii", "backslashreplace").decode("ascii")
    return f"{email} ({local}@{ascii_domain})"


class ServiceAddMixin(AdminMixinBase):
    """The admin's "add" page replaced by a plain form whose valid data goes to a
    service: the rules of numbering and code making live in one place. A subclass sets
    `add_form_class` and defines `add_via_service(request, form)`, which returns the new
    object."""

    add_form_class: type[forms.Form]
    add_via_service: Callable[[HttpRequest, forms.Form], models.Model]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.add_form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                obj = self.add_via_service(request, form)
            except services.ClaimError as refusal:
                form.add_error(None, refusal.message)
            else:
                self.log_addition(request, obj, [{"added": {}}])
                self.message_user(
                    request,
                    gettext("%(object)s is aangemaakt.") % {"object": obj},
                    messages.SUCCESS,
                )
                return redirect(
                    reverse(
                        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change",
                        args=[obj.pk],
                    )
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("%(name)s toevoegen") % {"name": self.opts.verbose_name},
            "form": form,
            "has_view_permission": self.has_view_permission(request),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "members/admin/service_form.html", context)


@admin.register(Membership)
class MembershipAdmin(ServiceAddMixin, admin.ModelAdmin):
    """Memberships are made by claims or here through the service, and never edited or
    deleted: a number, once given, stays given."""

    add_form_class = MembershipAssignForm
    list_display = ("number", "user_email", "claimed_at", "how", "invited_by")
    show_full_result_count = False  # one count per page view, not two
    list_display_links = ("number",)
    list_filter = ("how",)
    list_select_related = ("user", "invited_by")
    search_fields = ("=number", "user__email")
    date_hierarchy = "claimed_at"
    fields = ("number", "user", "claimed_at", "how", "code", "invited_by", "invitation")

    @admin.display(description=_("e-mailadres"), ordering="user__email")
    def user_email(self, membership):
        return email_for_curators(membership.user.email) if membership.user else "—"

    def add_via_service(self, request, form):
        return services.membership_assign(
            user=form.cleaned_data["user"],
            number=form.cleaned_data["number"],
            how=form.cleaned_data["how"],
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CodeBatch)
class CodeBatchAdmin(ServiceAddMixin, admin.ModelAdmin):
    add_form_class = CodeBatchCreateForm
    list_display = (
        "label",
        "size",
        "available_count",
        "redeemed_count",
        "revoked_count",
        "created_at",
        "created_by",
        "exports",
    )
    list_select_related = ("created_by",)
    search_fields = ("label", "notes")
    fields = ("label", "notes", "size", "created_by", "created_at", "counts", "exports")
    readonly_fields = ("size", "created_by", "created_at", "counts", "exports")
    actions = ["revoke_batches"]

    def get_queryset(self, request):
        return cast(CodeBatchQuerySet, super().get_queryset(request)).with_counts()

    def add_via_service(self, request, form):
        return services.code_batch_create(
            label=form.cleaned_data["label"],
            size=form.cleaned_data["size"],
            notes=form.cleaned_data["notes"],
            created_by=request.user,
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return request.user.has_perm("members.change_claimcode")

    @admin.display(description=_("beschikbaar"), ordering="available_count")
    def available_count(self, batch):
        return batch.available_count

    @admin.display(description=_("geclaimd"), ordering="redeemed_count")
    def redeemed_count(self, batch):
        return batch.redeemed_count

    @admin.display(description=_("ingetrokken"), ordering="revoked_count")
    def revoked_count(self, batch):
        return batch.revoked_count

    @admin.display(description=_("codes"))
    def counts(self, batch):
        return format_html(
            '<a href="{}?batch__id__exact={}">{}</a>',
            reverse("admin:members_claimcode_changelist"),
            batch.pk,
            gettext("%(available)s beschikbaar, %(redeemed)s geclaimd, %(revoked)s ingetrokken")
            % {
                "available": batch.available_count,
                "redeemed": batch.redeemed_count,
                "revoked": batch.revoked_count,
            },
        )

    @admin.display(description=_("exporteren"))
    def exports(self, batch):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:members_codebatch_csv", args=[batch.pk]),
            gettext("CSV"),
            reverse("admin:members_codebatch_labels", args=[batch.pk]),
            gettext("Etiketten met QR-codes"),
        )

    @admin.action(
        description=_("Hele reeks intrekken (geclaimde codes blijven geldig)"),
        permissions=["revoke"],
    )
    def revoke_batches(self, request, queryset):
        revoked = services.claim_codes_revoke(
            codes=ClaimCode.objects.filter(batch__in=list(queryset.values_list("pk", flat=True)))
        )
        self.message_user(
            request,
            ngettext("%(count)d code ingetrokken.", "%(count)d codes ingetrokken.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "<id:pk>/csv/",
                self.admin_site.admin_view(self.export_csv),
                name="members_codebatch_csv",
            ),
            path(
                "<id:pk>/labels/",
                self.admin_site.admin_view(self.export_labels),
                name="members_codebatch_labels",
            ),
            *super().get_urls(),
        ]

    def _batch_for_export(self, request, pk):
        if not request.user.has_perm("members.view_claimcode"):
            raise PermissionDenied
        return get_object_or_404(CodeBatch, pk=pk)

    def export_csv(self, request, pk):
        return batch_csv(request, self._batch_for_export(request, pk))

    def export_labels(self, request, pk):
        return batch_labels(request, self._batch_for_export(request, pk))


@admin.register(ClaimCode)
class ClaimCodeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Codes are made in batches and change only through the actions (revoke) and
    claims: the admin shows them, read-only."""

    list_display = ("display", "batch", "status", "redeemed_at", "redeemed_by")
    show_full_result_count = False  # one count per page view, not two
    list_filter = ("status", "batch")
    list_select_related = ("batch", "redeemed_by")
    search_fields = ("code",)
    fields = ("display", "batch", "status", "redeemed_at", "redeemed_by")
    readonly_fields = fields
    actions = ["revoke_codes"]

    @admin.display(description=_("code"), ordering="code")
    def display(self, claim_code):
        return claim_code.display

    def get_search_results(self, request, queryset, search_term):
        # People paste codes with dashes or in lower case: search the stored form.
        try:
            search_term = normalise_code(search_term)
        except MalformedCode:
            pass
        return super().get_search_results(request, queryset, search_term)

    def has_revoke_permission(self, request):
        return request.user.has_perm("members.change_claimcode")

    @admin.action(description=_("Geselecteerde codes intrekken"), permissions=["revoke"])
    def revoke_codes(self, request, queryset):
        revoked = services.claim_codes_revoke(codes=queryset)
        self.message_user(
            request,
            ngettext("%(count)d code ingetrokken.", "%(count)d codes ingetrokken.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_by", "name", "created_at", "accepted_at", "accepted_by")
    show_full_result_count = False  # one count per page view, not two
    list_select_related = ("created_by", "accepted_by")
    search_fields = ("=created_by__number", "name")
    fields = ("created_by", "name", "created_at", "accepted_at", "accepted_by")
    readonly_fields = fields


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """Curators can read profiles and correct the texts (a name or bio that should not be
    there) or the visibility. Photos are only shown: a new one must come through the
    photo pipeline on the member's own profile page, never straight into storage."""

    list_display = ("membership", "display_name", "visibility", "role", "municipality")
    show_full_result_count = False  # one count per page view, not two
    list_select_related = ("membership",)
    list_filter = ("visibility", "role")
    search_fields = ("=membership__number", "display_name", "municipality")
    fields = (
        "membership",
        "display_name",
        "municipality",
        "role",
        "bio",
        "visibility",
        "photo_preview",
        "updated_at",
    )
    readonly_fields = ("membership", "photo_preview", "updated_at")

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "display_name" in form.changed_data:
            # Stories and replies show their author's name: the cached story lists and
            # pages must change too (as members.services.profile_update does).
            chapter_stories_changed()

    @admin.display(description=_("foto"))
    def photo_preview(self, obj):
        if not obj.thumbnail:
            return "-"
        return format_html('<img src="{}" alt="" width="120" height="120">', obj.thumbnail.url)


# Django's and allauth's own lists of accounts and addresses, with the addresses as
# curators should see them (email_for_curators); groups and permissions chosen by
# bounded ids (core.admin.BOUNDED_MANY_TO_MANY).
admin.site.unregister(get_user_model())
admin.site.unregister(EmailAddress)
admin.site.unregister(Group)


@admin.register(get_user_model())
class AccountAdmin(UserAdmin):
    list_display = ("username", "email_shown", "first_name", "last_name", "is_staff")
    show_full_result_count = False  # one count per page view, not two
    formfield_overrides = BOUNDED_MANY_TO_MANY

    @admin.display(description=_("e-mailadres"), ordering="email")
    def email_shown(self, user):
        return email_for_curators(user.email)


@admin.register(EmailAddress)
class AccountEmailAddressAdmin(EmailAddressAdmin):
    list_display = ("email_shown", "user", "primary", "verified")

    @admin.display(description=_("e-mailadres"), ordering="email")
    def email_shown(self, address):
        return email_for_curators(address.email)


@admin.register(Group)
class AccountGroupAdmin(GroupAdmin):
    formfield_overrides = BOUNDED_MANY_TO_MANY
