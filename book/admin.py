from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from community.admin import InputLabelsMixin

from . import services
from .models import Book, Chapter, Edition, EditionChapter


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


class EditionChapterInline(admin.TabularInline):
    model = EditionChapter
    fields = ["number", "title", "access", "story_count"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("verhalen"))
    def story_count(self, chapter):
        return chapter.stories.count()


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    """Editions are made and published on the curators' pages (book.views), which go
    through book.services; here they are listed and, while drafts, can be renamed,
    given notes or published. A published edition is read-only."""

    list_display = ["label", "date", "is_published", "published_at", "curation_link"]
    list_filter = ["is_published"]
    search_fields = ["label", "notes"]
    fields = ["label", "slug", "date", "notes"]
    inlines = [EditionChapterInline]
    actions = ["publish"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("pagina"))
    def curation_link(self, edition):
        url = (
            edition.get_absolute_url()
            if edition.is_published
            else reverse("book:edition_curate", kwargs={"slug": edition.slug})
        )
        return format_html('<a href="{}">{}</a>', url, _("openen"))

    @admin.action(description=_("Geselecteerde edities publiceren"), permissions=["change"])
    def publish(self, request, queryset):
        for edition in queryset:
            try:
                services.edition_publish(edition=edition, curator=request.user)
            except services.EditionError as refusal:
                self.message_user(request, f"{edition}: {refusal.message}", messages.WARNING)
            else:
                self.message_user(
                    request, _("%(label)s is gepubliceerd.") % {"label": edition}, messages.SUCCESS
                )
