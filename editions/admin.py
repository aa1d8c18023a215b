from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Edition, EditionChapter


class EditionChapterInline(admin.TabularInline):
    model = EditionChapter
    fields = ("number", "title", "access", "story_count")
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
    """Editions are made and published on the curators' pages (editions.views), which go
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
            else reverse("editions:edition_curate", kwargs={"slug": edition.slug})
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
