"""Curators moderate on the queue page (stories.moderation_views); the admin offers the
same decisions as actions. Every change of state is an admin action that calls a service
(stories.moderation, stories.reports); the members' words themselves are read-only here (curators hide,
they do not rewrite), and so is the audit log."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import OuterRef
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from book.services import chapter_stories_changed
from core.admin import ReadOnlyAdminMixin

from .exceptions import StoryError
from .models import ModerationAction, Reply, Report, Story, Theme, count_subquery
from .moderation import reply_moderate, story_moderate
from .reports import report_resolve


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden (de auteur ziet deze)"), max_length=300, widget=forms.TextInput
    )


def _hide_with_reason(modeladmin, request, queryset, hide):
    """The admin's intermediate page: ask the reason once, then hide every selected item."""
    form = HideForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        hidden = 0
        for item in queryset:
            try:
                hide(item, form.cleaned_data["reason"])
            except StoryError as refusal:
                modeladmin.message_user(request, f"{item}: {refusal}", messages.WARNING)
            else:
                hidden += 1
        modeladmin.message_user(request, _("%(count)d verborgen.") % {"count": hidden})
        return None
    return TemplateResponse(
        request,
        "stories/admin/hide_reason.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Verbergen, met een reden"),
            "form": form,
            "queryset": queryset,
            "opts": modeladmin.model._meta,
            "action": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


def _moderate_stories(modeladmin, request, queryset, action):
    done = 0
    for story in queryset:
        try:
            story_moderate(story=story, curator=request.user, action=action)
        except StoryError as refusal:
            modeladmin.message_user(request, f"{story}: {refusal}", messages.WARNING)
        else:
            done += 1
    modeladmin.message_user(request, _("%(count)d verhaal/verhalen bijgewerkt.") % {"count": done})


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    # Story cards show their themes: a renamed or removed theme changes the cached
    # story lists beneath every chapter.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        chapter_stories_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        chapter_stories_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        chapter_stories_changed()


class ModerationInline(admin.TabularInline):
    model = ModerationAction
    fields = ("created_at", "action", "curator", "reason")
    verbose_name_plural = _("logboek")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    """The list reads one page of stories: no count of every story beside the filtered
    one, the open reports counted per row on the page (a subquery, not a GROUP BY over
    every story), no date hierarchy (its year and month links read the dates of every
    story), and the search in the short fields only: a story's text is searched on the
    site (stories.search), where an index serves it."""

    list_display = ["title", "chapter", "author", "status", "open_reports", "created_at", "link"]
    list_filter = ["status", "chapter", "themes"]
    search_fields = ["title", "municipality"]
    list_select_related = ["chapter", "author"]
    show_full_result_count = False
    actions = ["approve", "feature", "unfeature", "hide", "restore"]
    readonly_fields = (
        "chapter",
        "author",
        "title",
        "body",
        "photo",
        "photo_alt",
        "themes",
        "municipality",
        "status",
        "hidden_reason",
        "created_at",
        "updated_at",
        "published_at",
        "edited",
    )
    fields = readonly_fields
    inlines = [ModerationInline]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_report_count=count_subquery(
                    Report.objects.open().filter(story=OuterRef("pk")), "story"
                )
            )
        )

    @admin.display(description=_("open meldingen"), ordering="open_report_count")
    def open_reports(self, story):
        return story.open_report_count

    @admin.display(description=_("pagina"))
    def link(self, story):
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            story.get_absolute_url(),
            _("bekijk"),
        )

    @admin.action(permissions=["change"], description=_("Goedkeuren en publiceren"))
    def approve(self, request, queryset):
        _moderate_stories(self, request, queryset, "approve")

    @admin.action(permissions=["change"], description=_("Uitlichten"))
    def feature(self, request, queryset):
        _moderate_stories(self, request, queryset, "feature")

    @admin.action(permissions=["change"], description=_("Niet meer uitlichten"))
    def unfeature(self, request, queryset):
        _moderate_stories(self, request, queryset, "unfeature")

    @admin.action(permissions=["change"], description=_("Verbergen (met reden)"))
    def hide(self, request, queryset):
        return _hide_with_reason(
            self,
            request,
            queryset,
            lambda story, reason: story_moderate(
                story=story, curator=request.user, action="hide", reason=reason
            ),
        )

    @admin.action(permissions=["change"], description=_("Terugzetten (weer zichtbaar)"))
    def restore(self, request, queryset):
        _moderate_stories(self, request, queryset, "restore")


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    show_full_result_count = False
    list_display = ["__str__", "story", "author", "is_hidden", "created_at"]
    list_filter = ["is_hidden"]
    list_select_related = ["story", "author"]
    search_fields = ["body"]
    actions = ["hide", "restore"]
    readonly_fields = (
        "story",
        "author",
        "body",
        "is_hidden",
        "hidden_reason",
        "edited",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    @admin.action(permissions=["change"], description=_("Verbergen (met reden)"))
    def hide(self, request, queryset):
        return _hide_with_reason(
            self,
            request,
            queryset,
            lambda reply, reason: reply_moderate(
                reply=reply, curator=request.user, action="hide", reason=reason
            ),
        )

    @admin.action(permissions=["change"], description=_("Terugzetten (weer zichtbaar)"))
    def restore(self, request, queryset):
        for reply in queryset:
            reply_moderate(reply=reply, curator=request.user, action="restore")
        self.message_user(request, _("Teruggezet."))


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    show_full_result_count = False
    list_display = ["reason", "target", "reporter", "created_at", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["story", "reply", "reporter"]
    actions = ["resolve"]
    readonly_fields = (
        "story",
        "reply",
        "reporter",
        "reason",
        "created_at",
        "resolved_at",
        "resolved_by",
    )
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    @admin.action(permissions=["change"], description=_("Afgehandeld"))
    def resolve(self, request, queryset):
        for report in queryset:
            report_resolve(report=report, curator=request.user)
        self.message_user(request, _("Meldingen afgehandeld."))


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log, to read: nobody adds, changes or deletes an entry here, superusers
    included (ReadOnlyAdminMixin says no whatever the account's permissions)."""

    show_full_result_count = False

    list_display = ["created_at", "action", "target_type", "target_id", "target_title", "curator"]
    list_filter = ["action", "target_type"]
    list_select_related = ["curator"]
    search_fields = ["target_title", "reason"]
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "curator",
        "action",
        "target_type",
        "target_id",
        "target_title",
        "story",
        "reply",
        "previous_status",
        "reason",
    )
    readonly_fields = fields
