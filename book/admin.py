from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import InputLabelsMixin

from .models import Book, Chapter, RevisionSource
from .revisions import chapter_history_begin, chapter_text_record


@admin.register(Book)
class BookAdmin(InputLabelsMixin, admin.ModelAdmin):
    list_display = ["title", "edition_label", "updated_at"]
    fields = [
        "title",
        "subtitle",
        "cover",
        "cover_alt",
        "introduction",
        "colophon",
        "edition_label",
    ]


@admin.register(Chapter)
class ChapterAdmin(InputLabelsMixin, admin.ModelAdmin):
    list_display = ["number", "title", "access", "is_published", "updated_at", "preview_link"]
    list_display_links = ["title"]
    list_editable = ["number", "access", "is_published"]
    list_filter = ["is_published", "access", "book"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["number"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["book", "number", "title", "slug", "summary"]}),
        (_("Tekst"), {"fields": ["body"]}),
        (_("Illustratie"), {"fields": ["illustration", "illustration_alt"]}),
        (_("Publicatie"), {"fields": ["access", "is_published"]}),
    ]

    def save_model(self, request, obj, form, change):
        """A change of title or text saved here is a revision too (book.revisions), by
        the curator who saved it; the text before it is revision 1 if the chapter had no
        history yet."""
        with transaction.atomic():
            chapter_history_begin(chapter=obj)
            super().save_model(request, obj, form, change)
            chapter_text_record(chapter=obj, user=request.user, source=RevisionSource.ADMIN)

    @admin.display(description=_("voorbeeld"))
    def preview_link(self, chapter):
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            chapter.get_absolute_url(),
            _("bekijk"),
        )

    @admin.action(description=_("Geselecteerde hoofdstukken publiceren"))
    def publish(self, request, queryset):
        updated = queryset.update(is_published=True)
        self.message_user(request, _("%(count)d hoofdstuk(ken) gepubliceerd.") % {"count": updated})

    @admin.action(description=_("Publicatie van geselecteerde hoofdstukken intrekken"))
    def unpublish(self, request, queryset):
        updated = queryset.update(is_published=False)
        self.message_user(
            request, _("%(count)d hoofdstuk(ken) teruggezet naar concept.") % {"count": updated}
        )
