"""The municipalities typed before organisations existed that matched none
(organisations.UnmatchedName), and how curators map them: the members who typed one get
an affiliation and the stories naming it the organisation. It lives here because it
changes two apps, organisations and stories, at once."""

import difflib
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count

from members.models import Profile
from organisations import services as organisation_services
from organisations.matching import normalised
from organisations.models import Organisation, UnmatchedName
from stories.models import Story
from stories.writing import stories_organisation_from_text

CANDIDATES = 3


@dataclass
class Listed:
    unmatched: UnmatchedName
    members: int = 0
    stories: int = 0
    candidates: list[Organisation] = field(default_factory=list)


def unmatched_names_listed() -> list[Listed]:
    """Every unmatched name with how many members and stories use it and up to three
    organisations whose names look like it, in four queries whatever the numbers."""
    organisations = list(Organisation.objects.current().only("pk", "name", "slug", "kind"))
    by_key = {normalised(org.name): org for org in organisations}
    members: Counter[str] = Counter()
    for text, n in (
        Profile.objects.exclude(municipality="")
        .filter(membership__user__isnull=False)
        .values_list("municipality")
        .annotate(n=Count("pk"))
    ):
        members[normalised(text)] += n
    stories: Counter[str] = Counter()
    for text, n in (
        Story.objects.filter(organisation=None)
        .exclude(municipality="")
        .values_list("municipality")
        .annotate(n=Count("pk"))
    ):
        stories[normalised(text)] += n
    listed = []
    for unmatched in UnmatchedName.objects.all():
        key = normalised(unmatched.name)
        close = difflib.get_close_matches(key, by_key, n=CANDIDATES, cutoff=0.6)
        listed.append(
            Listed(unmatched, members[key], stories[key], [by_key[name] for name in close])
        )
    return listed


def unmatched_name_map(*, unmatched: UnmatchedName, organisation: Organisation) -> tuple[int, int]:
    """Map a name to `organisation`: affiliations for the members who typed it, the
    organisation on the stories that name it; the name leaves the list. Returns how many
    affiliations and stories."""
    with transaction.atomic():
        made = organisation_services.affiliations_from_text(
            text=unmatched.name, organisation=organisation
        )
        moved = stories_organisation_from_text(text=unmatched.name, organisation=organisation)
        unmatched.delete()
    return made, moved


def unmatched_name_organisation_create(*, unmatched: UnmatchedName, kind: str) -> Organisation:
    """A new organisation by the name as typed, and the name mapped to it."""
    with transaction.atomic():
        organisation = organisation_services.organisation_create(name=unmatched.name, kind=kind)
        unmatched_name_map(unmatched=unmatched, organisation=organisation)
    return organisation
