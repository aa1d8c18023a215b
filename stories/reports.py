"""Members report a story or a reply, once each (report_create); when REPORTS_TO_HIDE
different members have open reports on an item, it is hidden until a curator has looked.
A curator settles a report (report_resolve); finding the reports on an item unfounded is
a moderation decision, logged as such (stories.moderation.report_dismiss)."""

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Membership

from .exceptions import AlreadyReported, NotAllowed, StoryError
from .models import PUBLIC_STATUSES, Reply, Report, Status, Story
from .moderation import reply_moderate, story_moderate

REPORTS_TO_HIDE = 3
# Stored as written, in the book's language: a record, not an interface string.
AUTO_HIDDEN_REASON = "automatisch verborgen na meldingen"


def report_create(
    *, reporter: Membership, reason: str, story: Story | None = None, reply: Reply | None = None
) -> Report:
    """A member reports a story or a reply, once. When REPORTS_TO_HIDE different
    members have open reports on an item, it is hidden until a curator has looked."""
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
        if open_reports.values("reporter").distinct().count() >= REPORTS_TO_HIDE:
            _hide_after_reports(story=story, reply=reply)
        return report


def _hide_after_reports(*, story: Story | None, reply: Reply | None) -> None:
    if story is not None:
        story = Story.objects.select_for_update().get(pk=story.pk)
        if story.status in PUBLIC_STATUSES or story.status == Status.PENDING:
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
