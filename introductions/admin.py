from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import Introduction, Round


@admin.register(Round)
class RoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["started_at", "participants", "pairs", "score", "seconds"]


@admin.register(Introduction)
class IntroductionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read only: introductions change through their two members (and the curators'
    page for reports). No addresses here: the admin shows member numbers."""

    list_display = ["created_at", "origin", "first", "second", "first_answer", "second_answer"]
    list_filter = ["origin", "first_answer", "second_answer", "reported"]
    fields = ["created_at", "origin", "first", "second", "first_answer", "second_answer"]
    fields += ["score", "note", "reported"]
    show_full_result_count = False
