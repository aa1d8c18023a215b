import uuid
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from book.models import Access, Book, Chapter
from core.markdown import render_markdown
from editions.models import Edition
from meetings.models import Meeting, MeetingStatus, Registration, RegistrationStatus
from members.codes import generate_code
from members.models import ClaimCode, CodeBatch, Invitation, Membership, Profile
from stories.models import Reply, Status, Story, Theme


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.django.Password("correct horse battery staple")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: n + 1)


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
