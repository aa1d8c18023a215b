"""The pages around an e-mailed invitation: "nodig mij niet meer uit" (the link in
every invitation e-mail) and the printable card to hand over in person."""

import segno
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from core.http import one_click

from . import chain, invitations
from .models import Invitation, Membership, member_credit, membership_chosen_name


def _do_not_invite_page(request, token):
    hashed = invitations.stop_token_read(token)
    if hashed is None:
        return render(request, "members/do_not_invite.html", {"invalid": True}, status=400)
    if request.method == "POST":
        invitations.do_not_invite_add(hashed=hashed)
        return render(request, "members/do_not_invite.html", {"done": True})
    return render(request, "members/do_not_invite.html", {})


#: "Nodig mij niet meer uit": all the one-click POST can do is add the address's hash to
#: the do-not-invite list.
do_not_invite = one_click(_do_not_invite_page)


@login_required
@require_safe
def invitation_print(request, token):
    """An A6 card with the QR code of an open invitation and its dedication, to print
    and hand over. Only the member who made the invitation sees it."""
    membership = Membership.objects.for_user(request.user)
    invitation = get_object_or_404(
        Invitation.objects.open().select_related("created_by"),
        token=token,
        created_by=membership,
    )
    url = request.build_absolute_uri(reverse("members:invitation", kwargs={"token": token}))
    svg = segno.make(url, error="m").svg_inline(
        scale=1, omitsize=True, svgclass="invitation-card__qr", title=url
    )
    made_by = invitation.created_by
    inviter = member_credit(name=membership_chosen_name(made_by), number=made_by.number)
    context = {"invitation": invitation, "url": url, "svg": mark_safe(svg), "inviter": inviter}
    return render(request, "members/invitation_print.html", context)


@login_required
@require_safe
def chain_mine(request):
    """Mijn doorgeefketen: the copies the member passed on and those passed on from
    them, as a tree and as a table, with the milestones reached."""
    membership = Membership.objects.for_user(request.user)
    if membership is None:
        return redirect("members:claim")
    found = chain.chain_of(membership)
    owner = chain.chain_name(membership)
    context = {"chain": found, "drawing": chain.chain_svg(found, owner=owner), "owner": owner}
    return render(request, "members/chain.html", context)
