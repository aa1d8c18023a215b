"""Which meeting e-mails someone gets: the settings page and the one-click links in the
e-mails (meetings.notifications makes them, meetings.reminders changes the settings)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from core.http import one_click

from . import notifications, reminders
from .forms import MailSettingsForm
from .models import MailKind


@login_required
@require_http_methods(["GET", "POST"])
def mail_settings(request):
    form = MailSettingsForm(
        request.POST or None, instance=reminders.mail_settings_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        reminders.mail_settings_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Je e-mailvoorkeuren zijn bewaard."))
        return redirect("meetings:mail_settings")
    return render(request, "meetings/mail_settings.html", {"form": form})


def _pages_context() -> dict:
    """The stories' unsubscribe pages serve here too, pointing to this app's settings."""
    return {
        "settings_path": reverse("meetings:mail_settings"),
        "settings_label": _("E-mails over bijeenkomsten"),
    }


def _unsubscribe_page(request, kind: str, token: str):
    context = _pages_context()
    try:
        pk = notifications.unsubscribe_user_pk(kind=kind, token=token)
    except notifications.BadToken:
        pk = None
    user = get_user_model().objects.filter(pk=pk).first() if pk is not None else None
    if user is None:
        return render(request, "stories/unsubscribe_invalid.html", context, status=400)
    context["kind_label"] = MailKind(kind).label
    if request.method == "POST":
        reminders.mail_unsubscribe(user=user, kind=kind)
        return render(request, "stories/unsubscribe_done.html", context)
    return render(request, "stories/unsubscribe_confirm.html", context)


#: A meeting e-mail's stop link: GET asks for confirmation, POST (the one-click POST of
#: RFC 8058 included, core.http.one_click) switches that kind off. Tampered tokens, and
#: tokens for another kind, get a 400 page.
unsubscribe = one_click(_unsubscribe_page)
