"""Members report a story or a reply, once each (report_create); an item with open
reports is in the curators' queue. When REPORTS_TO_HIDE established members have open
reports on an item, it is hidden until a curator has looked. A curator settles a report
(report_resolve); finding the reports on an item unfounded is a moderation decision,
logged as such (stories.moderation.report_dismiss).

Reports must not become a way to silence people: a copy is free, so anyone can make
three accounts. Only established members weigh towards hiding: those with a story a
curator approved (stories.writing.author_is_trusted) or a membership older than
settings.STORIES_ESTABLISHED_MEMBER_DAYS. Reports from newer members still bring the
item to the queue, where a curator decides. A featured story is never hidden by
reports, however many: a curator chose it, and a curator takes it down."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Membership

from .exceptions import AlreadyReported, NotAllowed, StoryError
from .models import Reply, Report, ReportQuerySet, Status, Story
from .moderation import reply_moderate, story_moderate
from .writing import trusted_author_q

REPORTS_TO_HIDE = 3
# Stored as written, in the book's language: a record, not an interface string.
AUTO_HIDDEN_REASON = "automatisch verborgen na meldingen"


def report_create(
    *, reporter: Membership, reason: str, story: Story | None = None, reply: Reply | None = None
) -> Report:
    """A member reports a story or a reply, once. When REPORTS_TO_HIDE different
    established members have open reports on an item, it is hidden until a curator has
    looked (a featured story excepted: it waits in the queue)."""
    if (story is None) == (reply is None):
        raise ValueError("report exactly one of story and reply")
    reason = reason.strip()
    if not reason:
        raise StoryError(_("Schrijf kort op wat er niet klopt."))
    target = story or reply
    assert target is not None  # exactly one of the two, checked above
    target_author_id = target.author_id
    if target_author_id is not None and target_author_id == reporter.pk:
        raise NotAllowed(_("Je kunt je eigen bijdrage niet melden."))
    with transaction.atomic():
        if Report.objects.filter(reporter=reporter, story=story, reply=reply).exists():
            raise AlreadyReported
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    reporter=reporter, story=story, reply=reply, reason=reason
                )
        except IntegrityError:
            raise AlreadyReported from None
        open_reports = Report.objects.open().filter(story=story, reply=reply)
        if established_reporters(open_reports) >= REPORTS_TO_HIDE:
            _hide_after_reports(story=story, reply=reply)
        return report


def established_member_q(path: str) -> Q:
    """Members whose reports weigh towards hiding: a story of theirs was approved, or
    they have been a member for STORIES_ESTABLISHED_MEMBER_DAYS. `path` is the
    membership's field on the queried model ("reporter" on a report)."""
    since = timezone.now() - timedelta(days=settings.STORIES_ESTABLISHED_MEMBER_DAYS)
    return Q(Q(**{f"{path}__claimed_at__lte": since}) | trusted_author_q(path))


def established_reporters(reports: ReportQuerySet) -> int:
    """How many different established members made `reports`."""
    return reports.filter(established_member_q("reporter")).values("reporter").distinct().count()


def _hide_after_reports(*, story: Story | None, reply: Reply | None) -> None:
    if story is not None:
        story = Story.objects.select_for_update().get(pk=story.pk)
        if story.status in (Status.PUBLISHED, Status.PENDING):
            story_moderate(story=story, curator=None, action="hide", reason=AUTO_HIDDEN_REASON)
    elif reply is not None and not Reply.objects.get(pk=reply.pk).is_hidden:
        reply_moderate(reply=reply, curator=None, action="hide", reason=AUTO_HIDDEN_REASON)


def report_resolve(*, report: Report, curator: User) -> Report:
    """A curator has looked at a report (whatever they decided about the item)."""
    if not curator.is_staff:
        raise NotAllowed
    with transaction.atomic():
        Report.objects.filter(pk=report.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=curator
        )
        report.refresh_from_db()
        return report
