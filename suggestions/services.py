"""Suggestions: a member proposes (suggestion_submit) and takes back (suggestion_delete),
others respond (response_give) or report (suggestion_report), curators moderate
(suggestion_moderate) and answer (suggestion_status_set), and the author of dissent the
curators kept says whether it may go in an edition (dissent_consent_set).

What is the stories' is reused, not restated: the moderation mode and the trust it
rests on (stories.writing.status_on_submit), the hourly ceilings (rate_check), the
report threshold (stories.reports), the audit log (stories.moderation.audit_log_write,
by target type "suggestion") and the chapter's stories_version, raised by every change
the chapter page shows (the open suggestions per section), so that its cached pages
are renewed."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_stubs_ext import StrOrPromise

from book.models import Chapter, ChapterRevision
from book.services import chapter_stories_changed
from core.markdown import render_markdown
from members.models import Membership
from stories.exceptions import RateLimited, StoryError
from stories.models import ModerationKind, Status, Story, TargetType
from stories.moderation import audit_log_write
from stories.reports import AUTO_HIDDEN_REASON, REPORTS_TO_HIDE, established_member_q
from stories.writing import rate_check, status_on_submit

from . import notifications
from .models import (
    CLOSING_STATUSES,
    TAKEN_UP_STATUSES,
    Consent,
    Kind,
    Response,
    ResponseKind,
    Suggestion,
    SuggestionReport,
    SuggestionStatus,
)

NEW_MEMBER_SUGGESTIONS_PER_HOUR = 3
TRUSTED_SUGGESTIONS_PER_HOUR = 20


class SuggestionError(StoryError):
    """A change that cannot go through; `message` for the person who tried, `field` the
    form field it is about (None: the whole form)."""

    def __init__(self, message: StrOrPromise | None = None, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class NotAllowed(SuggestionError):
    message = _("Dat mag je niet doen.")


def _readable(chapter: Chapter, user: User | None) -> bool:
    return user is not None and Chapter.objects.readable_by(user).filter(pk=chapter.pk).exists()


def _log(*, curator: User | None, suggestion: Suggestion, action: str, reason: str = "") -> None:
    audit_log_write(
        curator=curator,
        action=action,
        target_type=TargetType.SUGGESTION,
        target_id=suggestion.pk,
        target_title=suggestion.title,
        reason=reason,
    )


def _rate_check(membership: Membership) -> None:
    """The stories' hourly ceilings (stories.writing.rate_check), for suggestions."""
    try:
        rate_check(
            membership,
            model=Suggestion,
            limit=NEW_MEMBER_SUGGESTIONS_PER_HOUR,
            message=ngettext_lazy(
                "Je hebt het afgelopen uur al %(limit)d voorstel gedaan. Nieuwe leden kunnen "
                "%(limit)d voorstel per uur doen; probeer het later nog eens. Je tekst staat "
                "hieronder nog klaar.",
                "Je hebt het afgelopen uur al %(limit)d voorstellen gedaan. Nieuwe leden "
                "kunnen %(limit)d voorstellen per uur doen; probeer het later nog eens. Je "
                "tekst staat hieronder nog klaar.",
                "limit",
            ),
            trusted_limit=TRUSTED_SUGGESTIONS_PER_HOUR,
            trusted_message=_(
                "Je hebt het afgelopen uur al %(limit)d voorstellen gedaan; meer kan er in een "
                "uur niet bij. Probeer het later nog eens. Je tekst staat hieronder nog klaar."
            ),
        )
    except RateLimited as refusal:
        raise SuggestionError(refusal.message) from None


def suggestion_submit(
    *,
    membership: Membership,
    chapter: Chapter,
    section: str,
    kind: str,
    explanation: str,
    quote: str = "",
    proposed_text: str = "",
    evidence: Iterable[Story] = (),
) -> Suggestion:
    """A member's suggestion on a section of a chapter they may read. Pending or
    published as the stories' moderation mode says; within the stories' hourly ceilings.
    Evidence: stories the member may see; a rewrite needs its proposed text."""
    user = membership.user
    if not _readable(chapter, user):
        raise NotAllowed(_("Je kunt alleen voorstellen doen bij een hoofdstuk dat je kunt lezen."))
    titles = {s["id"]: s["title"] for s in chapter.sections}
    if section not in titles:
        raise SuggestionError(_("Dit hoofdstuk heeft die paragraaf niet."), field="section")
    if kind not in Kind.values:
        raise SuggestionError(_("Kies wat voor voorstel het is."), field="kind")
    if kind == Kind.REWRITE and not proposed_text.strip():
        raise SuggestionError(
            _("Schrijf bij een herschrijving de tekst die je voorstelt."), field="proposed_text"
        )
    if not explanation.strip():
        raise SuggestionError(_("Licht je voorstel kort toe."), field="explanation")
    evidence = list(evidence)
    assert user is not None  # readable above
    visible = set(
        Story.objects.visible_to(user)
        .filter(pk__in=[s.pk for s in evidence])
        .values_list("pk", flat=True)
    )
    if any(story.pk not in visible for story in evidence):
        raise SuggestionError(
            _("Je kunt alleen leerverhalen aanhalen die je zelf kunt lezen."), field="evidence"
        )
    with transaction.atomic():
        _rate_check(membership)
        suggestion = Suggestion.objects.create(
            chapter=chapter,
            section=section,
            section_title=titles[section][:300],
            kind=kind,
            quote=quote.strip(),
            proposed_text=proposed_text.strip() if kind == Kind.REWRITE else "",
            explanation=explanation,
            explanation_html=render_markdown(explanation).html,
            author=membership,
            moderation=status_on_submit(membership),
        )
        suggestion.evidence.set(evidence)
        if suggestion.is_published:
            chapter_stories_changed(chapters=[chapter.pk])
        return suggestion


def suggestion_delete(*, suggestion: Suggestion, user: User) -> None:
    """The author takes back their suggestion while the curators have not answered it;
    an answered one stays, as the record of what happened."""
    with transaction.atomic():
        suggestion = (
            Suggestion.objects.select_for_update(of=("self",))
            .select_related("author")
            .get(pk=suggestion.pk)
        )
        if not suggestion.is_by(user):
            raise NotAllowed
        if not suggestion.is_open:
            raise SuggestionError(_("De redactie heeft dit voorstel beantwoord; het blijft staan."))
        chapter_stories_changed(chapters=[suggestion.chapter_id])
        suggestion.delete()


def response_give(
    *, suggestion: Suggestion, membership: Membership, kind: str, reason: str = ""
) -> Response:
    """Another member's "eens" or "ik zie het anders" (with a reason); once each."""
    reason = reason.strip()
    if kind not in ResponseKind.values:
        raise SuggestionError(_("Kies eens of ik zie het anders."), field="kind")
    if kind == ResponseKind.DISAGREE and not reason:
        raise SuggestionError(_("Schrijf erbij waarom je het anders ziet."), field="reason")
    if kind == ResponseKind.AGREE:
        reason = ""
    user = membership.user
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if (
            user is None
            or not Suggestion.objects.visible_to(user)
            .filter(pk=suggestion.pk, moderation=Status.PUBLISHED)
            .exists()
        ):
            raise NotAllowed
        if suggestion.author_id == membership.pk:
            raise NotAllowed(_("Je kunt niet op je eigen voorstel reageren."))
        if Response.objects.filter(suggestion=suggestion, member=membership).exists():
            raise SuggestionError(_("Je hebt al op dit voorstel gereageerd."))
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    suggestion=suggestion, member=membership, kind=kind, reason=reason
                )
        except IntegrityError:
            raise SuggestionError(_("Je hebt al op dit voorstel gereageerd.")) from None
        return response


def suggestion_report(*, suggestion: Suggestion, reporter: Membership, reason: str) -> None:
    """A member reports a suggestion, once. REPORTS_TO_HIDE established members (as
    the stories count them) hide it until a curator has looked."""
    reason = reason.strip()
    if not reason:
        raise SuggestionError(_("Schrijf kort op wat er niet klopt."), field="reason")
    if suggestion.author_id == reporter.pk:
        raise NotAllowed(_("Je kunt je eigen bijdrage niet melden."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                SuggestionReport.objects.create(
                    suggestion=suggestion, reporter=reporter, reason=reason
                )
        except IntegrityError:
            raise SuggestionError(_("Je hebt dit al gemeld. Een curator kijkt ernaar.")) from None
        reports = SuggestionReport.objects.open().filter(suggestion=suggestion)
        established = (
            reports.filter(established_member_q("reporter")).values("reporter").distinct().count()
        )
        if established >= REPORTS_TO_HIDE and suggestion.moderation != Status.HIDDEN:
            suggestion_moderate(
                suggestion=suggestion, curator=None, action="hide", reason=AUTO_HIDDEN_REASON
            )


MODERATION = {"approve": Status.PUBLISHED, "hide": Status.HIDDEN, "restore": Status.PUBLISHED}


def suggestion_moderate(
    *, suggestion: Suggestion, curator: User | None, action: str, reason: str = ""
) -> Suggestion:
    """A curator approves, hides (with a reason) or restores a suggestion; `curator`
    None is the report threshold. A curator's decision settles the open reports."""
    if action not in MODERATION:
        raise ValueError(f"unknown moderation action {action!r}")
    reason = reason.strip()
    if action == "hide" and not reason:
        raise SuggestionError(_("Geef een reden op: de auteur krijgt die te zien."), field="reason")
    if curator is not None and not curator.is_staff:
        raise NotAllowed
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        suggestion.moderation = MODERATION[action]
        suggestion.hidden_reason = reason[:300] if action == "hide" else ""
        suggestion.save(update_fields=["moderation", "hidden_reason", "updated_at"])
        if curator is not None:
            suggestion.reports.open().update(resolved_at=timezone.now())
        logged = ModerationKind.AUTO_HIDE if action == "hide" and curator is None else action
        _log(curator=curator, suggestion=suggestion, action=logged, reason=reason)
        chapter_stories_changed(chapters=[suggestion.chapter_id])
        return suggestion


def suggestion_status_set(
    *,
    suggestion: Suggestion,
    curator: User,
    status: str,
    answer: str = "",
    revision: ChapterRevision | None = None,
) -> Suggestion:
    """A curator sets a suggestion's status. Closing it (overgenomen, deels, niet,
    bewaard als tegengeluid) needs a public answer, shown under it; for overgenomen and
    deels the curator may name the chapter revision that took it up. The author and
    everyone who responded hear of an answer; the author of dissent kept is asked
    whether it may go in an edition's "Tegengeluid". Logged in the audit log."""
    if not curator.is_staff:
        raise NotAllowed
    if status not in SuggestionStatus.values:
        raise SuggestionError(_("Kies een status."), field="status")
    answer = answer.strip()
    if status in CLOSING_STATUSES and not answer:
        raise SuggestionError(
            _("Wie een voorstel afsluit, geeft een antwoord: waarom, voor iedereen te lezen."),
            field="answer",
        )
    if revision is not None and status not in TAKEN_UP_STATUSES:
        raise SuggestionError(
            _("Alleen een overgenomen voorstel hoort bij een versie van het hoofdstuk."),
            field="revision",
        )
    with transaction.atomic():
        suggestion = (
            Suggestion.objects.select_for_update(of=("self",))
            .select_related("chapter", "author__user")
            .get(pk=suggestion.pk)
        )
        if revision is not None and revision.chapter_id != suggestion.chapter_id:
            raise SuggestionError(_("Die versie hoort bij een ander hoofdstuk."), field="revision")
        previous = suggestion.status
        suggestion.status = status
        suggestion.taken_up_in = revision
        if answer:
            suggestion.answer = answer
            suggestion.answer_html = render_markdown(answer).html
            suggestion.answered_by = curator
            suggestion.answered_at = timezone.now()
        asking = status == SuggestionStatus.DISSENT and suggestion.dissent_consent in (
            Consent.NOT_ASKED,
        )
        if asking:
            suggestion.dissent_consent = Consent.ASKED
        suggestion.save()
        _log(
            curator=curator,
            suggestion=suggestion,
            action=ModerationKind.SUGGESTION_STATUS,
            reason=f"{SuggestionStatus(previous).label} → {suggestion.get_status_display()}",
        )
        chapter_stories_changed(chapters=[suggestion.chapter_id])
        if answer and status != previous:
            notifications.answered(suggestion=suggestion)
        if asking:
            notifications.dissent_consent_ask(suggestion=suggestion)
        return suggestion


def dissent_consent_set(*, suggestion: Suggestion, consent: bool) -> Suggestion:
    """The author says whether their dissent, kept by the curators, may go in an
    edition's "Tegengeluid" appendix. The signed link from their e-mail authorises it
    (suggestions.notifications.consent_suggestion); they may change their mind."""
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if suggestion.status != SuggestionStatus.DISSENT or suggestion.author_id is None:
            raise SuggestionError(_("Deze vraag is niet (meer) aan de orde."))
        suggestion.dissent_consent = Consent.GIVEN if consent else Consent.REFUSED
        suggestion.dissent_consent_at = timezone.now()
        suggestion.save(update_fields=["dissent_consent", "dissent_consent_at", "updated_at"])
        return suggestion


def is_curator(user: User) -> bool:
    return bool(
        user.is_authenticated and user.is_staff and user.has_perm("suggestions.change_suggestion")
    )
