"""Who an issue goes to: one named read per kind of audience, current members only,
without those who switched the newsletter off."""

from django.db.models import QuerySet

from meetings.models import RegistrationStatus
from members.models import Membership

from .models import Audience, Issue


def audience_of(issue: Issue) -> "QuerySet[Membership]":
    members = Membership.objects.current().filter(user__is_active=True).exclude(user__email="")
    if issue.audience == Audience.ROLE:
        members = members.filter(profile__role=issue.role)
    elif issue.audience == Audience.ORGANISATION:
        members = members.filter(affiliations__organisation=issue.organisation)
    elif issue.audience == Audience.PROVINCE:
        members = members.filter(affiliations__organisation__province=issue.province)
    elif issue.audience == Audience.CHAPTER:
        members = members.filter(chapter_follows__chapter=issue.chapter)
    elif issue.audience == Audience.MEETING:
        members = members.filter(
            user__meeting_registrations__meeting=issue.meeting,
            user__meeting_registrations__status__in=(
                RegistrationStatus.GOING,
                RegistrationStatus.WAITING,
            ),
        )
    return members.exclude(story_notifications__newsletter=False).distinct()
