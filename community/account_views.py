"""The account pages of our own beside allauth's: "Stuur de bevestiging opnieuw"."""

from allauth.account.internal.flows.email_verification import (
    send_verification_email_at_login,
    send_verification_email_to_address,
)
from allauth.account.models import EmailAddress
from allauth.account.stages import EmailVerificationStage, LoginStageController
from allauth.account.utils import has_verified_email
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from core.http import post_only

TOO_SOON = _(
    "We hebben je net al een bevestiging gestuurd. Kijk ook in je map met ongewenste "
    "e-mail; een nieuwe kun je over een paar minuten vragen."
)


@post_only("account_email", label=_("Naar je e-mailadressen"))
def email_confirmation_resend(request):
    """Send the confirmation mail again, at most as often as allauth's `confirm_email`
    rate limit (ACCOUNT_RATE_LIMITS) allows per address.

    Someone who is not logged in (just signed up, or tried to log in with an address
    not yet confirmed) never types an address here: it is the one allauth keeps with
    the pending login in this session, so the button cannot send mail to anyone else.
    With enumeration prevention, a signup with an address that already has an account
    is such a pending login without a user; allauth then sends the owner the "already
    exists" mail instead, and this page answers exactly as for a new address.

    Someone logged in asks for one of their own unconfirmed addresses (e-mail page)."""
    if request.user.is_authenticated:
        return _resend_to_own_address(request)
    stage = LoginStageController.enter(request, EmailVerificationStage.key)
    if stage is None:
        messages.info(
            request,
            _(
                "Log in met je e-mailadres en wachtwoord, of met een inlogcode: is je adres "
                "nog niet bevestigd, dan sturen we de bevestiging opnieuw."
            ),
        )
        return redirect("account_login")
    login = stage.login
    if login.user is not None and has_verified_email(login.user, login.email):
        messages.success(request, _("Je e-mailadres is al bevestigd. Log in om verder te gaan."))
        return redirect("account_login")
    # On success allauth says "Bevestigingsmail verzonden aan ..." itself.
    if not send_verification_email_at_login(request, login):
        messages.error(request, TOO_SOON)
    return redirect("account_email_verification_sent")


def _resend_to_own_address(request):
    address = EmailAddress.objects.filter(
        user=request.user, email=request.POST.get("email", "").strip().lower(), verified=False
    ).first()
    if address is None:
        messages.error(request, _("Dat adres hoort niet bij je account, of is al bevestigd."))
    elif not send_verification_email_to_address(request, address):
        messages.error(request, TOO_SOON)
    return redirect("account_email")
