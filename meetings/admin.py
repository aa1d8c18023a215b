"""Meetings in the admin: to look up, not to change. Every change of a meeting or a
registration has effects (mails, the waiting list, the audit log), so it goes through
the site's own pages and meetings.services."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Meeting, Registration


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "starts_at", "status", "capacity", "audience"]
    list_filter = ["status", "audience"]
    search_fields = ["title", "place"]
    date_hierarchy = "starts_at"


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["meeting", "user", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["meeting", "user"]
