import factory
from django.contrib.auth import get_user_model

from book.models import Access, Book, Chapter
from members.codes import generate_code
from members.models import ClaimCode, CodeBatch, Invitation, Membership


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
