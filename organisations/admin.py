from allauth.socialaccount.models import SocialApp, SocialToken
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import InputLabelsMixin
from core.images import PhotoField

from . import services
from .models import Affiliation, Coordinator, Organisation, OrganisationBatch, UnmatchedName


class OrganisationAdminForm(forms.ModelForm):
    new_logo = PhotoField(label=_("nieuw logo"), required=False)
    remove_logo = forms.BooleanField(label=_("logo verwijderen"), required=False)

    class Meta:
        model = Organisation
        fields = [
            "name",
            "slug",
            "kind",
            "province",
            "cbs_code",
            "description",
            "website",
            "learning_question",
            "founding",
            "verified",
            "email_domains",
            "successor",
            "batch_quota",
        ]


@admin.register(Organisation)
class OrganisationAdmin(InputLabelsMixin, admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ("name", "kind", "province", "cbs_code", "founding", "verified", "successor")
    list_filter = ("kind", "province", "founding", "verified")
    search_fields = ("name", "cbs_code", "slug")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("successor",)
    readonly_fields = ("logo",)

    def save_model(self, request, obj, form, change):
        services.organisation_save(
            organisation=obj,
            logo=form.cleaned_data.get("new_logo") or None,
            remove_logo=form.cleaned_data.get("remove_logo", False),
        )


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ("membership", "organisation", "relation", "public", "verified")
    list_filter = ("relation", "public", "verified")
    list_select_related = ("membership", "organisation")
    search_fields = ("organisation__name", "=membership__number")
    raw_id_fields = ("membership", "organisation")


@admin.register(Coordinator)
class CoordinatorAdmin(admin.ModelAdmin):
    list_display = ("membership", "organisation", "appointed_at")
    list_select_related = ("membership", "organisation")
    raw_id_fields = ("membership", "organisation")


@admin.register(OrganisationBatch)
class OrganisationBatchAdmin(admin.ModelAdmin):
    list_display = ("batch", "organisation")
    list_select_related = ("batch", "organisation")
    raw_id_fields = ("batch", "organisation")


@admin.register(UnmatchedName)
class UnmatchedNameAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)


# Sign-in providers are configured in the environment only (organisations.sso), and
# their tokens are not kept: allauth's pages for both would only invite a second way.
admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)
