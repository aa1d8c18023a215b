"""Following chapters and choosing story e-mails: the follow button beneath a chapter,
the settings page (Meldingen) and the unsubscribe links in the e-mails. The changes
themselves are stories.following's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from book.models import Book, Chapter
from core.http import one_click, post_only

from . import following, notifications
from .forms import NotificationSettingsForm
from .models import NotificationKind
from .writing_views import _membership_or_403, _safe_next

# ---- E-mail settings and unsubscribing ----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """Meldingen: which story e-mails the member gets, and the chapters they follow."""
    membership = _membership_or_403(request)
    preferences = notifications.preferences_for(membership)
    form = NotificationSettingsForm(request.POST or None, instance=preferences)
    if request.method == "POST" and form.is_valid():
        following.notification_settings_update(
            membership=membership, **form.cleaned_data, language=request.LANGUAGE_CODE
        )
        messages.success(request, _("Je e-mailvoorkeuren zijn bewaard."))
        return redirect("stories:notifications")
    follows = membership.chapter_follows.select_related("chapter").order_by("chapter__number")
    return render(
        request,
        "stories/notification_settings.html",
        {"form": form, "follows": follows, "membership": membership},
    )


def _unsubscribe_page(request, kind: str, token: str):
    try:
        membership = notifications.unsubscribe_membership(kind=kind, token=token)
    except notifications.BadToken:
        return render(request, "stories/unsubscribe_invalid.html", status=400)
    label = NotificationKind(kind).label
    if request.method == "POST":
        following.notification_unsubscribe(membership=membership, kind=kind)
        return render(request, "stories/unsubscribe_done.html", {"kind_label": label})
    return render(
        request, "stories/unsubscribe_confirm.html", {"kind_label": label, "membership": membership}
    )


#: An e-mail's unsubscribe link: GET asks for confirmation (a link that is merely opened,
#: by a person or a mail scanner, changes nothing); POST switches off that kind of
#: e-mail, the one-click POST of RFC 8058 included (core.http.one_click). Tampered
#: tokens, and tokens for another kind, get a 400 page.
unsubscribe = one_click(_unsubscribe_page)


# ---- Following chapters -------------------------------------------------------------


@post_only("chapter", label=_("Naar het hoofdstuk"), anchor="verhalen")
@login_required
def chapter_follow(request, slug):
    """Follow (action=follow) or stop following a chapter, then back to its stories."""
    membership = _membership_or_403(request)
    chapter = get_object_or_404(
        Chapter.objects.published().filter(book=Book.objects.current()), slug=slug
    )
    if request.POST.get("action") == "unfollow":
        following.chapter_unfollow(membership=membership, chapter=chapter)
        messages.success(request, _("Je volgt “%(title)s” niet meer.") % {"title": chapter.title})
    else:
        following.chapter_follow(membership=membership, chapter=chapter)
        messages.success(
            request,
            _(
                "Je volgt “%(title)s”. Nieuwe verhalen bij dit hoofdstuk krijg je in je "
                "dagelijkse overzicht per e-mail."
            )
            % {"title": chapter.title},
        )
    return redirect(_safe_next(request, f"{chapter.get_absolute_url()}#verhalen"))
