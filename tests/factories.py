import factory
from django.contrib.auth import get_user_model

from book.models import Access, Book, Chapter
from members.models import Membership


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
