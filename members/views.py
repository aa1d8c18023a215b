from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from book.models import Access, Book, Chapter

from . import services
from .codes import format_code, normalise_code
from .forms import CodeForm, InvitationForm
from .models import Invitation, Membership
from .ratelimit import CODE_FAILURES, is_limited, record_failure, request_keys

TOO_MANY_ATTEMPTS = _("Te veel pogingen met een code die niet klopt. Probeer het later opnieuw.")


def _next_query(request) -> str:
    """`next=<this page>` for the signup and login links: after signing up, verifying
    the e-mail address and logging in, people come back here to finish their claim."""
    return urlencode({"next": request.get_full_path()})


def _to_signup(request):
    return redirect(f"{reverse('account_signup')}?{_next_query(request)}")


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
            messages.info(request, refusal.message)
            return redirect("members:mine")
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


def _too_many(request, template, context):
    return _page(request, template, {**context, "error": TOO_MANY_ATTEMPTS}, status=429)


@require_http_methods(["GET", "POST"])
def code_enter(request):
    """Type the code from a printed copy."""
    form = CodeForm(request.POST or None)
    template = "members/claimcode_form.html"
    if request.method == "POST":
        keys = request_keys(request)
        if is_limited(limit=CODE_FAILURES, keys=keys):
            return _too_many(request, template, {"form": form})
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
                messages.info(request, refusal.message)
                return redirect("members:mine")
            except services.ClaimError as refusal:
                record_failure(limit=CODE_FAILURES, keys=keys)
                form.add_error("code", refusal.message)
            else:
                return redirect("members:welcome")
    return _page(request, template, {"form": form})


@require_http_methods(["GET", "POST"])
def code_claim(request, code):
    """The page a printed copy's QR code opens: shows the code and a button to claim it."""
    template = "members/claimcode_claim.html"
    keys = request_keys(request)
    context = {"code": code}
    if is_limited(limit=CODE_FAILURES, keys=keys):
        return _too_many(request, template, context)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return _to_signup(request)
        try:
            services.claim_code_redeem(code=code, user=request.user)
        except services.AlreadyMember as refusal:
            messages.info(request, refusal.message)
            return redirect("members:mine")
        except services.ClaimError as refusal:
            record_failure(limit=CODE_FAILURES, keys=keys)
            return _page(request, template, {**context, "error": refusal.message})
        return redirect("members:welcome")
    try:
        claim_code = services.claim_code_get(code=code)
    except services.ClaimError as refusal:
        record_failure(limit=CODE_FAILURES, keys=keys)
        return _page(request, template, {**context, "error": refusal.message})
    membership = Membership.objects.for_user(request.user)
    return _page(request, template, {**context, "claim_code": claim_code, "membership": membership})


@login_required
@require_safe
def membership_mine(request):
    """Mijn exemplaar: number, since when, how, and to whom the member passed the book."""
    membership = Membership.objects.with_origin().filter(user=request.user).first()
    if membership is None:
        messages.info(request, _("Je hebt nog geen exemplaar. Claim er hier een."))
        return redirect("members:claim")
    invitations = list(Invitation.objects.made_by(membership))
    for invitation in invitations:
        invitation.link = request.build_absolute_uri(
            reverse("members:invitation", kwargs={"token": invitation.token})
        )
    return render(
        request,
        "members/membership_mine.html",
        {"membership": membership, "invitations": invitations, "form": InvitationForm()},
    )


@login_required
@require_POST
def invitation_create(request):
    membership = Membership.objects.for_user(request.user)
    if membership is None:
        return redirect("members:claim")
    form = InvitationForm(request.POST)
    if form.is_valid():
        services.invitation_create(membership=membership, name=form.cleaned_data["name"])
        messages.success(
            request,
            _("Je uitnodiging is klaar. Stuur de link naar wie je het boek wilt geven."),
        )
    else:
        messages.error(request, _("Die naam is te lang. Gebruik hoogstens 200 tekens."))
    return redirect(reverse("members:mine") + "#uitnodigingen")


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
            messages.info(request, refusal.message)
            return redirect("members:mine")
        except services.ClaimError as refusal:
            return _page(request, template, {"error": refusal.message})
        return redirect("members:welcome")
    membership = Membership.objects.for_user(request.user)
    return _page(request, template, {"invitation": invitation, "membership": membership})
