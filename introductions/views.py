"""The bureau's pages: a member's settings, their introductions, answering (from the
site or from an e-mail's link), asking for an introduction, and the curators' page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods

from core.http import one_click, post_only
from core.paging import counted_page
from core.roles import curator_required
from members.models import Membership, membership_display_name
from stories.models import Theme

from . import coauthoring, moderation, notifications, services, threads
from .forms import (
    AnswerForm,
    CoauthorInviteForm,
    CuratorIntroductionForm,
    MessageForm,
    MetForm,
    ParticipationForm,
    RequestForm,
)
from .models import Answer, CoauthorInvitation, Introduction, Message, Participation, Round

# Lazy: translated when a refusal is shown, in the language of that request.
REFUSALS = {
    "self": gettext_lazy("Je kunt jezelf niet aan jezelf voorstellen."),
    "before": gettext_lazy(
        "Deze twee leden zijn al eens aan elkaar voorgesteld, of willen dat niet."
    ),
    "not_taking_part": gettext_lazy("Dit lid doet (nu) niet mee aan kennismakingen."),
    "too_many": gettext_lazy(
        "Je vroeg deze week al drie kennismakingen aan. Volgende week kan het weer."
    ),
    "stopped": gettext_lazy("Je kunt even geen kennismakingen vragen; de redactie kijkt ernaar."),
    "expired": gettext_lazy(
        "Deze kennismaking is verlopen: er kwam binnen twee weken geen antwoord."
    ),
    "answer": gettext_lazy("Kies ja of nee."),
    "met": gettext_lazy("Dat kan bij deze kennismaking niet."),
}


def _refusal(error: services.IntroductionError) -> str:
    return str(REFUSALS.get(str(error), REFUSALS["answer"]))


def _member(request) -> Membership:
    membership = Membership.objects.for_user(request.user)
    if membership is None:
        raise PermissionDenied(_("Kennismakingen zijn er voor leden: claim eerst je exemplaar."))
    return membership


@login_required
@require_http_methods(["GET", "POST"])
def participation_settings(request):
    membership = _member(request)
    participation = services.participation_for(membership)
    initial = {
        "takes_part": participation.takes_part,
        "question": participation.question,
        "frequency": participation.frequency,
        "format": participation.format,
        "reach": participation.reach,
        "paused_until": participation.paused_until,
        "message_emails": participation.message_emails,
    }
    if participation.pk:
        initial |= {"knows": participation.knows.all(), "seeks": participation.seeks.all()}
    form = ParticipationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.participation_save(membership=membership, **form.cleaned_data)
        messages.success(request, _("Je voorkeuren voor kennismakingen zijn bewaard."))
        return redirect("introductions:mine")
    return render(
        request,
        "introductions/settings.html",
        {"form": form, "has_themes": Theme.objects.exists()},
    )


@login_required
def mine(request):
    membership = _member(request)
    introductions = (
        Introduction.objects.of(membership)
        .select_related("first__profile", "second__profile")
        .order_by("-created_at", "-pk")[:50]
    )
    rows = [
        {
            "introduction": introduction,
            "other_name": membership_display_name(introduction.other(membership)),
            "my_answer": introduction.answer_of(membership),
        }
        for introduction in introductions
    ]
    return render(
        request,
        "introductions/mine.html",
        {"rows": rows, "participation": services.participation_for(membership)},
    )


def _own_introduction(request, pk) -> tuple[Introduction, Membership]:
    """The introduction if the visitor is one of its two members; 404 otherwise (an
    id of someone else's says nothing about whether it exists)."""
    membership = _member(request)
    introduction = get_object_or_404(
        Introduction.objects.of(membership).select_related(
            "first__user", "first__profile", "second__user", "second__profile"
        ),
        pk=pk,
    )
    return introduction, membership


def _detail_context(introduction: Introduction, membership: Membership) -> dict:
    other = introduction.other(membership)
    writing: dict = {}
    if introduction.accepted:
        invitations = list(introduction.coauthor_invitations.select_related("story"))
        writing = {
            "invite_form": CoauthorInviteForm(stories=coauthoring.stories_to_share(membership)),
            "invitations_to_me": [i for i in invitations if i.invited_id == membership.pk],
            "invitations_from_me": [i for i in invitations if i.invited_id != membership.pk],
        }
    return writing | {
        "introduction": introduction,
        "other": other,
        "other_name": membership_display_name(other),
        "other_role": notifications._role(other),
        "other_question": notifications._question(other),
        "why": notifications.why(
            introduction, membership, dict(Theme.objects.values_list("pk", "name"))
        ),
        "my_answer": introduction.answer_of(membership),
        "my_met": getattr(introduction, f"{introduction.side(membership)}_met"),
        # The address only when both said yes.
        "other_email": other.user.email if introduction.accepted and other.user else "",
    }


@login_required
def detail(request, pk):
    introduction, membership = _own_introduction(request, pk)
    return render(request, "introductions/detail.html", _detail_context(introduction, membership))


@post_only("introductions:detail", label=_l("Naar de kennismaking"))
@login_required
def answer(request, pk):
    introduction, membership = _own_introduction(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.introduction_answer(
                introduction=introduction, membership=membership, answer=form.cleaned_data["answer"]
            )
        except services.IntroductionError as error:
            messages.error(request, _refusal(error))
    else:
        messages.error(request, REFUSALS["answer"])
    return redirect("introductions:detail", pk=introduction.pk)


@post_only("introductions:detail", label=_l("Naar de kennismaking"))
@login_required
def met(request, pk):
    introduction, membership = _own_introduction(request, pk)
    form = MetForm(request.POST)
    try:
        if not form.is_valid():
            raise services.IntroductionError("met")
        services.introduction_met(
            introduction=introduction, membership=membership, met=form.cleaned_data["met"]
        )
    except services.IntroductionError as error:
        messages.error(request, _refusal(error))
    return redirect("introductions:detail", pk=introduction.pk)


@post_only("introductions:detail", label=_l("Naar de kennismaking"))
@login_required
def report(request, pk):
    introduction, membership = _own_introduction(request, pk)
    moderation.introduction_report(introduction=introduction, membership=membership)
    messages.success(
        request,
        _("Dank je. De redactie kijkt ernaar; we stellen je nooit meer aan dit lid voor."),
    )
    return redirect("introductions:detail", pk=introduction.pk)


def _back(request, view: str, introduction_of) -> str:
    """Where a POST-only address's form is: `view` of the introduction that
    `introduction_of(membership)` finds, for one of the two; otherwise the member's
    introductions (an id of someone else's says nothing)."""
    membership = Membership.objects.for_user(request.user)
    pk = introduction_of(membership) if membership is not None else None
    return reverse(view, args=[pk]) if pk else reverse("introductions:mine")


def _message_thread(request, pk) -> str:
    return _back(
        request,
        "introductions:thread",
        lambda membership: (
            Message.objects.filter(pk=pk, introduction__in=Introduction.objects.of(membership))
            .values_list("introduction_id", flat=True)
            .first()
        ),
    )


@post_only(_message_thread, label=_l("Naar het gesprek"))
@login_required
def message_report(request, pk):
    """ "Dit bericht is ongepast", by the other member of the thread."""
    membership = _member(request)
    message = get_object_or_404(
        Message.objects.filter(
            introduction__in=Introduction.objects.of(membership).accepted()
        ).select_related("introduction"),
        pk=pk,
    )
    try:
        moderation.message_report(message=message, membership=membership)
    except threads.ThreadError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Dank je. De redactie kijkt ernaar."))
    return redirect(reverse("introductions:thread", args=[message.introduction_id]) + "#nieuw")


@post_only("introductions:detail", label=_l("Naar de kennismaking"), anchor="samen-schrijven")
@login_required
def coauthor_invite(request, pk):
    """ "Schrijf er samen een leerverhaal over": one of the two invites the other."""
    introduction, membership = _own_introduction(request, pk)
    form = CoauthorInviteForm(request.POST, stories=coauthoring.stories_to_share(membership))
    try:
        if not form.is_valid():
            raise threads.ThreadError(form.errors["story"][0])
        coauthoring.coauthor_invite(
            introduction=introduction, membership=membership, story=form.cleaned_data["story"]
        )
    except threads.ThreadError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("We vroegen %(name)s of die het verhaal met je wil schrijven.")
            % {"name": membership_display_name(introduction.other(membership))},
        )
    return redirect(reverse("introductions:detail", args=[introduction.pk]) + "#samen-schrijven")


def _invitation_introduction(request, pk) -> str:
    return _back(
        request,
        "introductions:detail",
        lambda membership: (
            CoauthorInvitation.objects.filter(pk=pk, invited=membership)
            .values_list("introduction_id", flat=True)
            .first()
        ),
    )


@post_only(_invitation_introduction, label=_l("Naar de kennismaking"))
@login_required
def coauthor_answer(request, pk):
    membership = _member(request)
    invitation = get_object_or_404(
        CoauthorInvitation.objects.select_related("introduction", "story"),
        pk=pk,
        invited=membership,
    )
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise threads.ThreadError(REFUSALS["answer"])
        invitation = coauthoring.coauthor_answer(
            invitation=invitation, membership=membership, answer=form.cleaned_data["answer"]
        )
    except threads.ThreadError as refusal:
        messages.error(request, str(refusal))
        return redirect("introductions:detail", pk=invitation.introduction_id)
    if invitation.answer == Answer.YES:
        messages.success(request, _("Je schrijft nu mee aan dit verhaal."))
        return redirect(invitation.story)
    return redirect("introductions:detail", pk=invitation.introduction_id)


@post_only("introductions:detail", label=_l("Naar de kennismaking"))
@login_required
def block(request, pk):
    introduction, membership = _own_introduction(request, pk)
    services.member_block(membership=membership, other=introduction.other(membership))
    messages.success(request, _("We stellen je nooit meer aan dit lid voor."))
    return redirect("introductions:detail", pk=introduction.pk)


@require_http_methods(["GET", "POST"])
def answer_by_link(request, token):
    """The link in the e-mail: GET shows the introduction and asks (merely opening it,
    by a person or a mail scanner, answers nothing); POST answers. No login needed: the
    signed token is for one member and one introduction, and expires with it."""
    try:
        introduction_pk, membership_pk = notifications.answer_token_read(token)
        introduction = Introduction.objects.select_related(
            "first__user", "first__profile", "second__user", "second__profile"
        ).get(pk=introduction_pk)
        membership = Membership.objects.get(pk=membership_pk)
        introduction.side(membership)
    except (notifications.BadToken, Introduction.DoesNotExist, Membership.DoesNotExist, ValueError):
        return render(request, "introductions/link_invalid.html", status=400)
    error = ""
    if request.method == "POST":
        form = AnswerForm(request.POST)
        try:
            if not form.is_valid():
                raise services.IntroductionError("answer")
            introduction = services.introduction_answer(
                introduction=introduction, membership=membership, answer=form.cleaned_data["answer"]
            )
        except services.IntroductionError as refusal:
            error = _refusal(refusal)
    context = _detail_context(introduction, membership) | {"token": token, "error": error}
    return render(request, "introductions/answer.html", context, status=400 if error else 200)


def _stop_page(request, token, *, kind: str = "rounds"):
    try:
        membership = notifications.stop_token_read(token, kind)
    except notifications.BadToken:
        return render(request, "introductions/link_invalid.html", status=400)
    if request.method == "POST":
        services.participation_stop(membership=membership, kind=kind)
        return render(request, "introductions/stopped.html", {"kind": kind})
    return render(request, "introductions/stop_confirm.html", {"token": token, "kind": kind})


def _stop_messages_page(request, token):
    return _stop_page(request, token, kind="messages")


#: The one-click POST (RFC 8058) can only switch something off (core.http.one_click):
#: taking part, or the e-mails about new messages.
stop = one_click(_stop_page)
stop_messages = one_click(_stop_messages_page)


@login_required
@require_http_methods(["GET", "POST"])
def thread(request, pk):
    """The thread of two members who both said yes. Only the two: anyone else (a
    curator too) gets a 404, as for the introduction itself."""
    introduction, membership = _own_introduction(request, pk)
    if not introduction.accepted:
        raise Http404
    is_open = threads.thread_is_open(introduction)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            threads.message_send(
                introduction=introduction, membership=membership, body=form.cleaned_data["body"]
            )
        except threads.ThreadError as refusal:
            form.add_error("body", str(refusal))
        else:
            messages.success(request, _("Je bericht is verstuurd."))
            return redirect(reverse("introductions:thread", args=[introduction.pk]) + "#nieuw")
    other = introduction.other(membership)
    return render(
        request,
        "introductions/thread.html",
        {
            "introduction": introduction,
            "other_name": membership_display_name(other),
            "thread": list(Message.objects.in_thread(introduction)),
            "form": form,
            "is_open": is_open,
            "me": membership,
        },
        status=400 if form.errors else 200,
    )


#: Members on a page of "Wie doet mee?".
PARTICIPANTS_PAGE_SIZE = 24


@login_required
def participants(request):
    """ "Wie doet mee?": the members who take part and show in the directory, with
    what they know and seek, and "Stel mij voor aan ..." for each. For members only,
    as the directory is; someone hidden from the directory is not listed here either."""
    membership = _member(request)
    taking_part = Participation.objects.taking_part().exclude(membership=membership)
    shown = Membership.objects.in_directory().filter(pk__in=taking_part.values("membership"))
    page = counted_page(request.GET, shown, per_page=PARTICIPANTS_PAGE_SIZE)
    members = list(page.object_list)
    found = Participation.objects.filter(membership__in=members).prefetch_related("knows", "seeks")
    by_member = {participation.membership_id: participation for participation in found}
    rows = [
        {
            "member": member,
            "name": membership_display_name(member),
            "participation": by_member.get(member.pk),
        }
        for member in members
    ]
    return render(request, "introductions/participants.html", {"page": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def request_introduction(request, number):
    """ "Stel mij voor aan ...", from a member's tile in the directory."""
    membership = _member(request)
    other = Membership.objects.current().filter(number=number).select_related("profile").first()
    taking_part = Participation.objects.taking_part().filter(membership=other).exists()
    if other is None or not taking_part:
        raise Http404
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            introduction = services.introduction_request(
                membership=membership, other=other, note=form.cleaned_data["note"]
            )
        except services.IntroductionError as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(
                request,
                _("We hebben %(name)s gevraagd of die je wil leren kennen.")
                % {"name": membership_display_name(other)},
            )
            return redirect("introductions:detail", pk=introduction.pk)
    return render(
        request,
        "introductions/request.html",
        {"form": form, "other": other, "other_name": membership_display_name(other)},
        status=400 if form.errors else 200,
    )


@curator_required("introductions.view_introduction")
@require_http_methods(["GET", "POST"])
def curation(request):
    """Counts per round, how many reports wait (decided in the moderation queue), and
    an introduction by hand."""
    form = CuratorIntroductionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        numbers = [form.cleaned_data["first"], form.cleaned_data["second"]]
        found = {m.number: m for m in Membership.objects.current().filter(number__in=numbers)}
        if len(found) < len(set(numbers)) or len(set(numbers)) < 2:
            form.add_error(None, _("Kies twee verschillende leden die er nog zijn."))
        else:
            try:
                services.introduction_by_curator(
                    user=request.user,
                    first=found[numbers[0]],
                    second=found[numbers[1]],
                    note=form.cleaned_data["note"],
                )
            except services.IntroductionError as error:
                form.add_error(None, _refusal(error))
            else:
                messages.success(request, _("De twee leden zijn aan elkaar voorgesteld."))
                return redirect("introductions:curation")
    yes = Answer.YES
    both = Q(introductions__first_answer=yes, introductions__second_answer=yes)
    rounds = Round.objects.annotate(
        accepted=Count("introductions", filter=both),
        met=Count(
            "introductions",
            filter=both & Q(introductions__first_met="yes")
            | both & Q(introductions__second_met="yes"),
        ),
    )[:12]
    by_hand = Introduction.objects.exclude(origin="round")
    return render(
        request,
        "introductions/curation.html",
        {
            "form": form,
            "rounds": rounds,
            "reported": Introduction.objects.filter(reported=True).count()
            + Message.objects.reported().count(),
            "by_hand": by_hand.aggregate(
                made=Count("pk"),
                accepted=Count("pk", filter=Q(first_answer=yes, second_answer=yes)),
            ),
            "taking_part": Participation.objects.taking_part().count(),
        },
        status=400 if form.errors else 200,
    )
