"""The privacy pages: what the site does with personal data, "Mijn gegevens" (the data
download) and deleting an account, composed from every app by community.privacy."""

import tempfile

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from editions.models import EditionStory
from members.models import Membership
from stories.models import Reply, Story

from .forms import AccountDeleteForm
from .privacy import STORIES_KEEP, account_archive_write
from .privacy import account_delete as privacy_account_delete


@require_safe
def privacy(request):
    return render(request, "privacy/privacy.html")


@login_required
@require_safe
def data(request):
    """ "Mijn gegevens": download or delete. For every account, member or not."""
    membership = Membership.objects.for_user(request.user)
    return render(request, "privacy/account_data.html", {"membership": membership})


@login_required
@require_safe
def data_download(request):
    """The zip of community.privacy.account_archive_write, built in a temporary file
    (gone once the response is sent, or at once if building fails) and streamed from
    there."""
    archive = tempfile.TemporaryFile()
    try:
        account_archive_write(user=request.user, target=archive)
    except BaseException:
        archive.close()
        raise
    archive.seek(0)
    stamp = timezone.localdate().isoformat()
    response = FileResponse(
        archive,
        as_attachment=True,
        filename=f"mijn-gegevens-{stamp}.zip",
        content_type="application/zip",
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _has_writing(membership: Membership | None) -> bool:
    """Whether deleting asks what happens to the member's writing: stories or replies
    on the site, or stories in a published edition."""
    if membership is None:
        return False
    return (
        Story.objects.filter(author=membership).exists()
        or Reply.objects.filter(author=membership).exists()
        or EditionStory.objects.of_member(membership).exists()
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    membership = Membership.objects.for_user(request.user)
    form = AccountDeleteForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        has_writing=_has_writing(membership),
    )
    if request.method == "POST" and form.is_valid():
        user = request.user
        number = privacy_account_delete(
            user=user, stories=form.cleaned_data.get("stories") or STORIES_KEEP
        )
        logout(request)
        if number is None:
            message = _("Je account en je gegevens zijn verwijderd.")
        else:
            message = _(
                "Je account en je gegevens zijn verwijderd. Exemplaar nr. %(number)s blijft "
                "van niemand: dat nummer geven we nooit opnieuw uit."
            ) % {"number": number}
        messages.success(request, message)
        return redirect("home")
    in_editions = EditionStory.objects.of_member(membership).count() if membership else 0
    return render(
        request,
        "privacy/account_delete.html",
        {"form": form, "membership": membership, "in_editions": in_editions},
    )
