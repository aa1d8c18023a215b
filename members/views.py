from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe
from django_stubs_ext import StrOrPromise

from book.models import Access, Book, Chapter
from core import cache
from core.http import post_only
from core.pending_photos import pending_photo_kept, pending_photo_use

from . import cards, invitations, services
from .access import membership_or_claim
from .codes import format_code, normalise_code
from .forms import CodeForm, InvitationForm, ProfileForm
from .models import Invitation, Membership, Profile, passed_on_line
from .ratelimit import Refusal, code_attempt_refusal, code_failure_record


def _next_query(request) -> str:
    """`next=<this page>` for the signup and login links: after signing up, verifying
    the e-mail address and logging in, people come back here to finish their claim."""
    return urlencode({"next": request.get_full_path()})


def _to_signup(request):
    return redirect(f"{reverse('account_signup')}?{_next_query(request)}")


def _to_own_copy(request, refusal: services.AlreadyMember):
    """Someone who already has a copy tried to claim another: say so on their own."""
    messages.info(request, refusal.message)
    return redirect("members:mine")


def _page(request, template, context, status=200):
    context = {"next_query": _next_query(request), **context}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def claim(request):
    """The page with the button that makes you a member with a digital copy."""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return _to_signup(request)
        try:
            services.membership_claim_digital(user=request.user)
        except services.AlreadyMember as refusal:
            return _to_own_copy(request, refusal)
        return redirect("members:welcome")
    membership = Membership.objects.for_user(request.user)
    return _page(request, "members/membership_claim.html", {"membership": membership})


@login_required
@require_safe
def welcome(request):
    membership = Membership.objects.for_user(request.user)
    if membership is None:
        return redirect("members:claim")
    book = Book.objects.current()
    first_members_chapter = (
        Chapter.objects.published().filter(book=book, access=Access.MEMBERS).in_order().first()
        if book
        else None
    )
    return render(
        request,
        "members/membership_welcome.html",
        {"membership": membership, "first_members_chapter": first_members_chapter},
    )


def _too_many(request, template, context, refusal: Refusal):
    if refusal.network:
        message = ngettext(
            "Vanaf dit netwerk zijn te veel codes geprobeerd die niet kloppen. Log in of maak "
            "een account aan: dan kun je de code uit je boek meteen gebruiken. Of probeer het "
            "over %(count)d minuut opnieuw.",
            "Vanaf dit netwerk zijn te veel codes geprobeerd die niet kloppen. Log in of maak "
            "een account aan: dan kun je de code uit je boek meteen gebruiken. Of probeer het "
            "over %(count)d minuten opnieuw.",
            refusal.minutes,
        )
    else:
        message = ngettext(
            "Te veel pogingen met een code die niet klopt. Probeer het over %(count)d minuut "
            "opnieuw.",
            "Te veel pogingen met een code die niet klopt. Probeer het over %(count)d minuten "
            "opnieuw.",
            refusal.minutes,
        )
    context = {**context, "error": message % {"count": refusal.minutes}, "refusal": refusal}
    response = _page(request, template, context, status=429)
    response["Retry-After"] = str(refusal.minutes * 60)
    return response


def _code_failed(request, refusal: services.ClaimError) -> None:
    if not isinstance(refusal, services.CodeMalformed):
        code_failure_record(request)


@require_http_methods(["GET", "POST"])
def code_enter(request):
    """Type the code from a printed copy. Failed codes are counted, per person and per
    network (members.ratelimit)."""
    form = CodeForm(request.POST or None)
    template = "members/claimcode_form.html"
    if request.method == "POST":
        if limited := code_attempt_refusal(request):
            return _too_many(request, template, {"form": form}, limited)
        if form.is_valid():
            code = form.cleaned_data["code"]
            try:
                if not request.user.is_authenticated:
                    # Check the code, then take the visitor to its page, which leads
                    # through signup or login and back.
                    services.claim_code_get(code=code)
                    return redirect("members:code_claim", code=format_code(normalise_code(code)))
                services.claim_code_redeem(code=code, user=request.user)
            except services.AlreadyMember as refusal:
                return _to_own_copy(request, refusal)
            except services.ClaimError as refusal:
                _code_failed(request, refusal)
                form.add_error("code", refusal.message)
            else:
                return redirect("members:welcome")
    return _page(request, template, {"form": form})


@require_http_methods(["GET", "POST"])
def code_claim(request, code):
    """The page a printed copy's QR code opens: whether the copy can be claimed (with the
    button that claims it), is already yours, or cannot be claimed.

    A GET only looks: it writes nothing and counts no failed attempt. Anyone can make a
    browser fetch this URL (a Markdown image in a story would make every reader do it),
    so a GET that counted would lock innocent readers and their network out. Only the
    button, a POST, is an attempt."""
    template = "members/claimcode_claim.html"
    context = {"code": code}
    if request.method == "POST":
        if not request.user.is_authenticated:
            return _to_signup(request)
        if limited := code_attempt_refusal(request):
            return _too_many(request, template, context, limited)
        try:
            services.claim_code_redeem(code=code, user=request.user)
        except services.AlreadyMember as refusal:
            return _to_own_copy(request, refusal)
        except services.ClaimError as refusal:
            _code_failed(request, refusal)
            return _page(request, template, {**context, "error": refusal.message})
        return redirect("members:welcome")
    try:
        claim_code = services.claim_code_get(code=code, user=request.user)
    except services.CodeYours as yours:
        return _page(request, template, {**context, "own_membership": yours.membership})
    except services.ClaimError as refusal:
        return _page(request, template, {**context, "error": refusal.message})
    membership = Membership.objects.for_user(request.user)
    return _page(request, template, {**context, "claim_code": claim_code, "membership": membership})


def _mine_page(request, membership, form, status=200):
    invitations = list(Invitation.objects.made_by(membership))
    for invitation in invitations:
        invitation.link = request.build_absolute_uri(  # type: ignore[attr-defined]
            reverse("members:invitation", kwargs={"token": invitation.token})
        )
    context = {"membership": membership, "invitations": invitations, "form": form}
    return render(request, "members/membership_mine.html", context, status=status)


@login_required
@require_safe
def membership_mine(request):
    """Mijn exemplaar: number, since when, how, and to whom the member passed the book."""
    membership = Membership.objects.with_origin().filter(user=request.user).first()
    if membership is None:
        messages.info(request, _("Je hebt nog geen exemplaar. Claim er hier een."))
        return redirect("members:claim")
    return _mine_page(request, membership, InvitationForm())


@post_only("members:mine", label=_("Naar je uitnodigingen"), anchor="uitnodigingen")
@login_required
def invitation_create(request):
    """Make an invitation; a refused one shows the form again with what was typed."""
    membership = Membership.objects.with_origin().filter(user=request.user).first()
    if membership is None:
        return redirect("members:claim")
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                membership=membership, language=translation.get_language(), **form.cleaned_data
            )
        except invitations.InvitationRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _invitation_made_message(invitation))
            return redirect(reverse("members:mine") + "#uitnodigingen")
    return _mine_page(request, membership, form, status=400)


def _invitation_made_message(invitation: Invitation) -> StrOrPromise:
    """The same words whether or not the address is a member's: no enumeration."""
    if not invitation.email:
        return _("Je uitnodiging is klaar. Stuur de link naar wie je het boek wilt geven.")
    if invitation.sent_at is None and invitation.send_on is not None:
        return _(
            "Je uitnodiging voor %(email)s gaat op %(date)s weg. Is dit adres al van een "
            "lid, dan sturen we niets: die heeft het boek al."
        ) % {"email": invitation.email, "date": date_format(invitation.send_on)}
    return _(
        "Je uitnodiging gaat naar %(email)s. Is dit adres al van een lid, dan sturen we "
        "niets: die heeft het boek al."
    ) % {"email": invitation.email}


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """A member's personal link: the visitor becomes a member, invited by that member."""
    template = "members/invitation_accept.html"
    try:
        invitation = services.invitation_get(token=token)
    except services.ClaimError as refusal:
        return _page(request, template, {"error": refusal.message})
    if request.method == "POST":
        if not request.user.is_authenticated:
            return _to_signup(request)
        try:
            services.invitation_accept(token=token, user=request.user)
        except services.AlreadyMember as refusal:
            return _to_own_copy(request, refusal)
        except services.ClaimError as refusal:
            return _page(request, template, {"error": refusal.message})
        return redirect("members:welcome")
    membership = Membership.objects.for_user(request.user)
    chapter = invitation.chapter
    if chapter is not None and not Chapter.objects.published().filter(pk=chapter.pk).exists():
        chapter = None
    context = {"invitation": invitation, "membership": membership, "chapter": chapter}
    return _page(request, template, context)


# ---- Profile ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    membership = membership_or_claim(request)
    if membership is None:
        return redirect("members:claim")
    posted = request.method == "POST"
    if posted:
        profile = services.profile_ensure(membership=membership)
    else:
        # A GET only reads: without a profile yet, the form shows the defaults.
        profile = Profile.objects.filter(membership=membership).first() or Profile(
            membership=membership
        )
    form = ProfileForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        instance=profile,
        uploader=request.user,
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        services.profile_update(
            membership=membership,
            display_name=data["display_name"],
            role=data["role"],
            bio=data["bio"],
            visibility=data["visibility"],
            photo=form.photo_to_save(),
            remove_photo=data["remove_photo"],
        )
        if form.pending is not None:
            pending_photo_use(pending=form.pending)
        messages.success(request, _("Je profiel is bewaard."))
        return redirect("members:profile")
    if posted:
        # The browser does not send a chosen photo again: it waits for the next submit.
        form = pending_photo_kept(user=request.user, form=form)
    return render(
        request,
        "members/profile_form.html",
        {"form": form, "profile": profile, "membership": membership},
        status=429 if form.has_error("photo", "rate_limited") else 200,
    )


# ---- Membership card ----------------------------------------------------------------


def _card_context(request, profile: Profile) -> dict:
    membership = profile.membership
    image_path = reverse("members:card_image", kwargs={"token": profile.card_token})
    share_path = reverse("members:card_shared", kwargs={"token": profile.card_token})
    return {
        "membership": membership,
        "profile": profile,
        "card": cards.card_text_for(membership),
        "card_image_url": request.build_absolute_uri(image_path),
        "card_share_url": request.build_absolute_uri(share_path),
        "card_width": cards.WIDTH,
        "card_height": cards.HEIGHT,
    }


@login_required
@require_safe
def card(request):
    """The member's own card, to print or to share. Only they see this page; what they
    share is the link with the secret token (card_shared)."""
    membership = membership_or_claim(request)
    if membership is None:
        return redirect("members:claim")
    profile = Profile.objects.select_related("membership").filter(membership=membership).first()
    if profile is None:
        # A membership from before profiles came with every claim: its card has no
        # secret link yet. Looking must not make one; the button on the page does.
        context: dict[str, object] = {
            "membership": membership,
            "profile": None,
            "card": cards.card_text_for(membership),
        }
    else:
        context = _card_context(request, profile)
    context["passed_on"] = passed_on_line(membership)
    return render(request, "members/membership_card.html", context)


@post_only("members:card", label=_("Naar je lidmaatschapskaart"))
@login_required
def card_renew(request):
    membership = membership_or_claim(request)
    if membership is None:
        return redirect("members:claim")
    first = not Profile.objects.filter(membership=membership).exists()
    services.card_link_renew(membership=membership)
    if first:
        messages.success(request, _("Je kaart is klaar. Deel de link met wie je wilt."))
    else:
        messages.success(
            request, _("Je kaart heeft een nieuwe link. De oude link werkt niet meer.")
        )
    return redirect("members:card")


def _shared_profile(token: str) -> Profile:
    """The card behind a shared link. Only current members have one: a member who left
    took their profile (and so the token) with them."""
    return get_object_or_404(
        Profile.objects.select_related("membership").filter(membership__user__isnull=False),
        card_token=token,
    )


@require_safe
def card_shared(request, token):
    """What someone sees who was sent the link: the card and an invitation to join.
    Public by design (that is what sharing is), but kept out of search engines."""
    profile = _shared_profile(token)
    return render(request, "members/membership_card_shared.html", _card_context(request, profile))


@require_safe
def card_image(request, token):
    """The card as a PNG. The fingerprint of what it shows is the ETag and the cache
    key: a browser or crawler that has this card gets a 304, and a new name or number
    gives a new fingerprint, so a fresh card is drawn."""
    profile = _shared_profile(token)
    text = cards.card_text_for(profile.membership)
    etag = f'"{text.fingerprint}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    png = cache.fetch(
        cache.key("members:card", text.fingerprint),
        lambda: cards.card_png(text),
        cache.FINGERPRINTED_SECONDS,
    )
    response = HttpResponse(png, content_type="image/png")
    response["ETag"] = etag
    # Ask again every time (cheap, thanks to the ETag): a renewed link or a new name
    # must show at once.
    patch_cache_control(response, no_cache=True)
    return response
