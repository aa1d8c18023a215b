import uuid
from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from book.models import Access, Book, Chapter, ChapterRevision, ImportRecord, ReadingPosition
from core.markdown import render_markdown
from core.models import PendingPhoto
from editions.models import (
    Edition,
    EditionChapter,
    EditionDissent,
    EditionStory,
    EditionStoryCoauthor,
)
from introductions.models import (
    Block,
    CoauthorInvitation,
    Introduction,
    Message,
    Participation,
    Round,
)
from meetings.models import (
    AgendaItem,
    AgendaSupport,
    Meeting,
    MeetingMailSettings,
    MeetingStatus,
    Note,
    Registration,
    RegistrationStatus,
    SeeAgain,
)
from members.codes import generate_code
from members.models import (
    ClaimCode,
    CodeBatch,
    Invitation,
    Membership,
    MembershipCounter,
    Profile,
)
from organisations.models import (
    Affiliation,
    Coordinator,
    Kind,
    Organisation,
    OrganisationBatch,
    Relation,
    UnmatchedName,
)
from stories.models import (
    ChapterFollow,
    ModerationAction,
    ModerationKind,
    NotificationSettings,
    Reaction,
    ReactionKind,
    Reply,
    Report,
    Status,
    Story,
    StoryRevision,
    TargetType,
    Theme,
)
from suggestions.models import Kind as SuggestionKind
from suggestions.models import Response, ResponseKind, Suggestion, SuggestionReport


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.django.Password("correct horse battery staple")


class EmailAddressFactory(factory.django.DjangoModelFactory):
    """The user's own address, verified and primary: an account that finished signup."""

    class Meta:
        model = EmailAddress

    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email)
    verified = True
    primary = True


class MembershipCounterFactory(factory.django.DjangoModelFactory):
    """The one counter row (pk=1) the data migration makes."""

    class Meta:
        model = MembershipCounter
        django_get_or_create = ("pk",)

    pk = 1


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: n + 1)

    class Params:
        # A member long enough for their reports to weigh (STORIES_ESTABLISHED_MEMBER_DAYS).
        established = factory.Trait(
            claimed_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=365))
        )


class CodeBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeBatch

    label = factory.Sequence(lambda n: f"Drukgang {n}")
    size = 1


class ClaimCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClaimCode

    code = factory.LazyFunction(generate_code)
    batch = factory.SubFactory(CodeBatchFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    token = factory.Sequence(lambda n: f"uitnodiging-{n}-abcdefghijklmnop")
    created_by = factory.SubFactory(MembershipFactory)


class BookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Book

    title = "Het boek waar je lid van kunt worden"
    subtitle = "Over samen maken"
    introduction = "Een boek dat **groeit** met zijn lezers."
    colophon = "Geschreven door de gemeenschap."
    edition_label = "Tussenstand 2026"


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter

    book = factory.SubFactory(BookFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Hoofdstuk over thema {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")
    summary = "Waar dit hoofdstuk over gaat."
    body = "## Begin\n\nEerste alinea van het hoofdstuk.\n\n## Verder\n\nTweede alinea."
    access = Access.OPEN
    is_published = True


class ReadingPositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingPosition

    user = factory.SubFactory(UserFactory)
    chapter = factory.SubFactory(ChapterFactory)
    section = "begin"


class ChapterRevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChapterRevision

    chapter = factory.SubFactory(ChapterFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.SelfAttribute("chapter.title")
    body = factory.SelfAttribute("chapter.body")
    message = "Eerste versie."


class ImportRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportRecord

    book = factory.SubFactory(BookFactory)
    part = factory.Sequence(lambda n: f"chapter:thema-{n}")
    digest = factory.Sequence(lambda n: f"{n:064x}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")


class StoryFactory(factory.django.DjangoModelFactory):
    """A published story, as if it went through the services (body_html rendered)."""

    class Meta:
        model = Story

    chapter = factory.SubFactory(ChapterFactory)
    author = factory.SubFactory(MembershipFactory)
    title = factory.Sequence(lambda n: f"Verhaal {n}")
    body = "Wat we samen deden en wat we ervan **leerden**."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body).html)
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    submission_key = factory.LazyFunction(uuid.uuid4)


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply

    story = factory.SubFactory(StoryFactory)
    author = factory.SubFactory(MembershipFactory)
    body = "Dit herken ik."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body).html)


class ReactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reaction

    story = factory.SubFactory(StoryFactory)
    member = factory.SubFactory(MembershipFactory)
    kind = ReactionKind.THANKS


class ReportFactory(factory.django.DjangoModelFactory):
    """An open report of a story."""

    class Meta:
        model = Report

    story = factory.SubFactory(StoryFactory)
    reporter = factory.SubFactory(MembershipFactory)
    reason = "Dit hoort hier niet."


class ModerationActionFactory(factory.django.DjangoModelFactory):
    """A line in the curators' log: a story approved."""

    class Meta:
        model = ModerationAction

    story = factory.SubFactory(StoryFactory)
    target_type = TargetType.STORY
    target_id = factory.LazyAttribute(lambda o: o.story.pk)
    target_title = factory.LazyAttribute(lambda o: o.story.title)
    action = ModerationKind.APPROVE


class NotificationSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationSettings

    membership = factory.SubFactory(MembershipFactory)


class ChapterFollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChapterFollow

    membership = factory.SubFactory(MembershipFactory)
    chapter = factory.SubFactory(ChapterFactory)


class EditionFactory(factory.django.DjangoModelFactory):
    """A draft edition of a book; publish it with book.services.edition_publish."""

    class Meta:
        model = Edition

    book = factory.SubFactory(BookFactory)
    label = factory.Sequence(lambda n: f"Tussenstand {2027 + n}")
    slug = factory.Sequence(lambda n: f"tussenstand-{2027 + n}")


class ProfileFactory(factory.django.DjangoModelFactory):
    """A member's profile with a name and the default visibility (name and number)."""

    class Meta:
        model = Profile

    membership = factory.SubFactory(MembershipFactory)
    display_name = factory.Sequence(lambda n: f"Lid {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    """An organisation that is no municipality (those ship as data: take them with
    Organisation.objects.get(cbs_code=...))."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Wijkbedrijf {n}")
    slug = factory.Sequence(lambda n: f"wijkbedrijf-{n}")
    kind = Kind.CIVIL_SOCIETY


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    membership = factory.SubFactory(MembershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    relation = Relation.LIVES
    public = True


class MeetingFactory(factory.django.DjangoModelFactory):
    """A published meeting a week from now, two hours long, in a place."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Bijeenkomst {n}")
    slug = factory.Sequence(lambda n: f"bijeenkomst-{n}")
    opening_question = "Wat bracht je hier, los van je functie?"
    description = "We praten over **samen maken**."
    description_html = factory.LazyAttribute(lambda o: render_markdown(o.description).html)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    place = "Stadhuis, Grote Markt 1, Zwolle"
    status = MeetingStatus.PUBLISHED

    @factory.post_generation
    def hosts(self, create, extracted, **kwargs):
        if create and extracted:
            self.hosts.set(extracted)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)
    status = RegistrationStatus.GOING


class ParticipationFactory(factory.django.DjangoModelFactory):
    """A member who takes part in introductions (knows/seeks: lists of themes)."""

    class Meta:
        model = Participation
        skip_postgeneration_save = True

    membership = factory.SubFactory(MembershipFactory)
    takes_part = True

    @factory.post_generation
    def knows(self, create, themes, **kwargs):
        if themes:
            self.knows.set(themes)

    @factory.post_generation
    def seeks(self, create, themes, **kwargs):
        if themes:
            self.seeks.set(themes)


class IntroductionFactory(factory.django.DjangoModelFactory):
    """Two members introduced by a curator (first has the lower id)."""

    class Meta:
        model = Introduction

    origin = "curator"
    first = factory.SubFactory(MembershipFactory)
    second = factory.SubFactory(MembershipFactory)


class MessageFactory(factory.django.DjangoModelFactory):
    """A message in the thread of an introduction both said yes to."""

    class Meta:
        model = Message

    introduction = factory.SubFactory(IntroductionFactory, first_answer="yes", second_answer="yes")
    author = factory.LazyAttribute(lambda o: o.introduction.first)
    body = "Zullen we koffie drinken?"
    body_html = "<p>Zullen we koffie drinken?</p>"


class CoauthorInvitationFactory(factory.django.DjangoModelFactory):
    """The first of an accepted introduction invites the second to write a story."""

    class Meta:
        model = CoauthorInvitation

    introduction = factory.SubFactory(IntroductionFactory, first_answer="yes", second_answer="yes")
    story = factory.SubFactory(StoryFactory, author=factory.SelfAttribute("..introduction.first"))
    invited = factory.LazyAttribute(lambda o: o.introduction.second)


class EditionChapterFactory(factory.django.DjangoModelFactory):
    """A chapter as an edition froze it (edition_publish makes these from the book)."""

    class Meta:
        model = EditionChapter

    edition = factory.SubFactory(EditionFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Hoofdstuk over thema {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")
    body_html = "<p>Eerste alinea van het hoofdstuk.</p>"
    access = Access.OPEN


class EditionStoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EditionStory

    chapter = factory.SubFactory(EditionChapterFactory)
    title = factory.Sequence(lambda n: f"Verhaal {n}")
    body_html = "<p>Wat we samen deden.</p>"
    author_name = "Lid"


class EditionStoryCoauthorFactory(factory.django.DjangoModelFactory):
    """A co-author's credit on a story in an edition (edition_publish copies these)."""

    class Meta:
        model = EditionStoryCoauthor

    story = factory.SubFactory(EditionStoryFactory)
    author_name = "Mede-auteur"
    member_number = factory.Sequence(lambda n: 700 + n)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    participants = 2
    pairs = 1


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block

    blocker = factory.SubFactory(MembershipFactory)
    blocked = factory.SubFactory(MembershipFactory)


def bulk_stories(count: int, *, chapter, status=Status.PUBLISHED, authors=None, **fields):
    """`count` stories under `chapter`, written in one bulk insert (as seed_load does),
    for tests that check a page or a job does not grow with the number of stories.
    The authors (memberships) take turns; without them each story has none."""
    authors = list(authors or [None])
    now = timezone.now()
    Story.objects.bulk_create(
        Story(
            chapter=chapter,
            author=authors[index % len(authors)],
            title=f"Verhaal {index}",
            body="Wat we samen deden.",
            body_html="<p>Wat we samen deden.</p>",
            status=status,
            published_at=now,
            submission_key=uuid.uuid4(),
            **fields,
        )
        for index in range(count)
    )
    return Story.objects.filter(chapter=chapter, status=status)


class PendingPhotoFactory(factory.django.DjangoModelFactory):
    """A photo kept between two submits of a form (core.pending_photos)."""

    class Meta:
        model = PendingPhoto

    owner = factory.SubFactory(UserFactory)
    image = factory.django.ImageField(width=800, height=600)
    thumbnail = factory.django.ImageField(width=160, height=120)
    width = 800
    height = 600


class StoryRevisionFactory(factory.django.DjangoModelFactory):
    """An edit of a published story that waits for a curator."""

    class Meta:
        model = StoryRevision

    story = factory.SubFactory(StoryFactory)
    title = "Bewerkte titel"
    body = "Nieuwe tekst."


class CoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coordinator

    organisation = factory.SubFactory(OrganisationFactory)
    membership = factory.SubFactory(MembershipFactory)


class OrganisationBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationBatch

    organisation = factory.SubFactory(OrganisationFactory)
    batch = factory.SubFactory(CodeBatchFactory)


class UnmatchedNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnmatchedName
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Onbekend dorp {n}")


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Agendapunt {n}")


class AgendaSupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaSupport

    item = factory.SubFactory(AgendaItemFactory)
    user = factory.SubFactory(UserFactory)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    meeting = factory.SubFactory(MeetingFactory)
    body = "Ik neem mee: eerst luisteren."


class MeetingMailSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingMailSettings

    user = factory.SubFactory(UserFactory)


class SeeAgainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeeAgain

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)
    other = factory.SubFactory(UserFactory)


class DoNotInviteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.DoNotInvite"

    address_hash = factory.Sequence(lambda n: f"{n:064x}")


class IssueFactory(factory.django.DjangoModelFactory):
    """A draft issue of the newsletter, for all members."""

    class Meta:
        model = "newsletter.Issue"

    title = factory.Sequence(lambda n: f"Nieuws {n}")
    body = "Wat er **deze maand** gebeurde."


class NewsletterDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "newsletter.NewsletterDelivery"

    issue = factory.SubFactory(IssueFactory)
    membership = factory.SubFactory(MembershipFactory)


class WelcomeMailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "newsletter.WelcomeMail"

    membership = factory.SubFactory(MembershipFactory)
    step = "day0"


class EditionDissentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EditionDissent

    edition = factory.SubFactory(EditionFactory)
    chapter_title = "Samen beginnen"
    section_title = "Begin"
    quote = "Eerste alinea van het hoofdstuk."
    explanation_html = "<p>Wij zien het anders.</p>"
    author_name = "Femke"
    member_number = factory.Sequence(lambda n: 500 + n)


class SuggestionFactory(factory.django.DjangoModelFactory):
    """A published, open suggestion on the first section of a chapter ("begin"), as if
    it went through the services (explanation_html rendered)."""

    class Meta:
        model = Suggestion

    chapter = factory.SubFactory(ChapterFactory)
    section = "begin"
    section_title = "Begin"
    kind = SuggestionKind.ADDITION
    quote = "Eerste alinea van het hoofdstuk."
    explanation = "Hier mist **een voorbeeld** uit de praktijk."
    explanation_html = factory.LazyAttribute(lambda o: render_markdown(o.explanation).html)
    author = factory.SubFactory(MembershipFactory)
    moderation = Status.PUBLISHED


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    suggestion = factory.SubFactory(SuggestionFactory)
    member = factory.SubFactory(MembershipFactory)
    kind = ResponseKind.AGREE


class SuggestionReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SuggestionReport

    suggestion = factory.SubFactory(SuggestionFactory)
    reporter = factory.SubFactory(MembershipFactory)
    reason = "Dit hoort hier niet."
