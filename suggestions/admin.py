"""Suggestions in the admin: to look up, not to change. Every change has effects (the
audit log, e-mails, the chapter page), so it goes through the curators' board and
suggestions.services."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Response, Suggestion


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["section_title", "chapter", "kind", "status", "moderation", "created_at"]
    list_filter = ["status", "kind", "moderation"]
    list_select_related = ["chapter"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["suggestion", "kind", "created_at"]
    list_filter = ["kind"]
