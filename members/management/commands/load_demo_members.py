"""Demo members for local use: safe to run again (nothing is made twice, no number is
taken twice). Never run this in production: it makes a staff account with a known
password."""

import io

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageDraw

from core.images import process_photo
from members.cards import SANS_BOLD, font
from members.models import CodeBatch, How, Membership, Profile, Role, Visibility
from members.services import (
    code_batch_create,
    membership_assign,
    membership_claim_digital,
    profile_update,
)

AUTHOR = ("schrijvers@example.org", "De schrijfgroep", "")
CURATOR = ("redactie@example.org", "Redactie", "")
CURATOR_PASSWORD = "lees-het-boek-2026"
DEMO_BATCH = "Demo-druk"
DEMO_BATCH_SIZE = 5

# Invented people.
DEMO_MEMBERS = [
    ("anouk.verbeek@example.org", "Anouk", "Verbeek"),
    ("joost.dekker@example.org", "Joost", "Dekker"),
    ("fatima.elamrani@example.org", "Fatima", "El Amrani"),
    ("pieter.vanderlinden@example.org", "Pieter", "van der Linden"),
    ("sanne.mulder@example.org", "Sanne", "Mulder"),
    ("kees.bosman@example.org", "Kees", "Bosman"),
    ("ingrid.hoekstra@example.org", "Ingrid", "Hoekstra"),
    ("mehmet.yilmaz@example.org", "Mehmet", "Yilmaz"),
    ("lotte.brouwer@example.org", "Lotte", "Brouwer"),
    ("ruud.schipper@example.org", "Ruud", "Schipper"),
    ("esther.koopmans@example.org", "Esther", "Koopmans"),
    ("daan.terpstra@example.org", "Daan", "Terpstra"),
]


# Invented places and organisations; (name shown, role, municipality, bio, visibility,
# avatar colour). Most are on the member wall with a full profile, two show only their
# name and number, one chose to be hidden.
WILGENDAAL = "Gemeente Wilgendaal"
BREMHORST = "Gemeente Bremhorst"
LINDEVEEN = "Gemeente Lindeveen"
OOSTERKADE = "Gemeente Oosterkade"
DEMO_PROFILES = {
    AUTHOR[0]: (
        "De schrijfgroep",
        Role.CIVIL_SOCIETY,
        WILGENDAAL,
        "Wij schreven de eerste hoofdstukken. Nu schrijft iedereen mee.",
        Visibility.FULL,
        "#1f3a5f",
    ),
    "anouk.verbeek@example.org": (
        "Anouk Verbeek",
        Role.RESIDENT,
        WILGENDAAL,
        "Trekker van de moestuin achter de bibliotheek. Ik leer het meest van wat mislukt.",
        Visibility.FULL,
        "#c0552f",
    ),
    "joost.dekker@example.org": (
        "Joost Dekker",
        Role.GOVERNMENT,
        BREMHORST,
        "Beleidsadviseur participatie. Ik probeer vaker te luisteren dan te zenden.",
        Visibility.FULL,
        "#3e5e44",
    ),
    "fatima.elamrani@example.org": (
        "Fatima El Amrani",
        Role.ENTREPRENEUR,
        LINDEVEEN,
        "Eigenaar van een naaiatelier dat ook buurtkamer is.",
        Visibility.FULL,
        "#7a5300",
    ),
    "pieter.vanderlinden@example.org": (
        "Pieter van der Linden",
        Role.CIVIL_SOCIETY,
        "Buurtcoöperatie De Kade",
        "Penningmeester van een energiecoöperatie met driehonderd leden.",
        Visibility.FULL,
        "#5f554c",
    ),
    "sanne.mulder@example.org": (
        "Sanne Mulder",
        Role.RESIDENT,
        OOSTERKADE,
        "",
        Visibility.NAME,
        "#a4431f",
    ),
    "kees.bosman@example.org": (
        "Kees Bosman",
        Role.ENTREPRENEUR,
        WILGENDAAL,
        "Bakker. Mijn winkel is het eerste adres voor wie iets wil organiseren in de wijk.",
        Visibility.FULL,
        "#1f3a5f",
    ),
    "ingrid.hoekstra@example.org": (
        "Ingrid Hoekstra",
        Role.GOVERNMENT,
        LINDEVEEN,
        "Wethouder. Ik lees mee om te leren waar de gemeente in de weg zit.",
        Visibility.FULL,
        "#6b8f71",
    ),
    "mehmet.yilmaz@example.org": (
        "Mehmet Yilmaz",
        Role.CIVIL_SOCIETY,
        "Wijkbedrijf Zuidpoort",
        "Opbouwwerker. Verbindt mensen die elkaar nog niet kenden.",
        Visibility.FULL,
        "#c0552f",
    ),
    "lotte.brouwer@example.org": (
        "Lotte",
        Role.RESIDENT,
        BREMHORST,
        "",
        Visibility.NAME,
        "#3e5e44",
    ),
    "ruud.schipper@example.org": (
        "Ruud Schipper",
        Role.OTHER,
        OOSTERKADE,
        "Gepensioneerd stedenbouwkundige, nu vooral nieuwsgierig.",
        Visibility.FULL,
        "#7a5300",
    ),
    "esther.koopmans@example.org": (
        "Esther Koopmans",
        Role.RESIDENT,
        BREMHORST,
        "Ik zit in de klankbordgroep van het nieuwe wijkplan.",
        Visibility.FULL,
        "#1f3a5f",
    ),
    "daan.terpstra@example.org": (
        "Daan Terpstra",
        Role.RESIDENT,
        LINDEVEEN,
        "",
        Visibility.HIDDEN,
        "#5f554c",
    ),
}
AVATAR_SIDE = 480


def initials_avatar(name: str, colour: str) -> SimpleUploadedFile:
    """A round avatar with the person's initials, as a PNG upload: it then goes through
    the same photo pipeline as a photo a member uploads."""
    capitals = [part[0] for part in name.split() if part[0].isupper()] or ["?"]
    initials = capitals[0] + capitals[-1] if len(capitals) > 1 else capitals[0]
    image = Image.new("RGB", (AVATAR_SIDE, AVATAR_SIDE), "#f6efe3")
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, AVATAR_SIDE - 1, AVATAR_SIDE - 1), fill=colour)
    draw.text(
        (AVATAR_SIDE / 2, AVATAR_SIDE / 2),
        initials,
        font=font(SANS_BOLD, AVATAR_SIDE * 2 // 5),
        fill="#fbf7f0",
        anchor="mm",
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("avatar.png", buffer.getvalue(), content_type="image/png")


class Command(BaseCommand):
    help = "Add demo members (no. 1 is the writing group), a curator account and demo codes."

    def handle(self, *args, **options):
        author = self._account(*AUTHOR)
        if not Membership.objects.filter(user=author).exists():
            free_one = not Membership.objects.filter(number=1).exists()
            membership_assign(user=author, number=1 if free_one else None, how=How.PRINTED)
        for email, first_name, last_name in DEMO_MEMBERS:
            person = self._account(email, first_name, last_name)
            if not Membership.objects.filter(user=person).exists():
                membership_claim_digital(user=person)

        curator = self._account(*CURATOR, password=CURATOR_PASSWORD)
        if not curator.is_staff or not curator.is_superuser:
            curator.is_staff = curator.is_superuser = True
            curator.save(update_fields=["is_staff", "is_superuser"])

        batch = CodeBatch.objects.filter(label=DEMO_BATCH).first()
        if batch is None:
            batch = code_batch_create(
                label=DEMO_BATCH, size=DEMO_BATCH_SIZE, notes="Voorbeeldcodes voor lokaal gebruik."
            )

        demo = Membership.objects.filter(user__email__in=DEMO_PROFILES).select_related("user")
        for membership in demo:
            assert membership.user is not None  # found by the account's address
            self._profile(membership, *DEMO_PROFILES[membership.user.email])

        self.stdout.write(f"Members: {Membership.objects.count()}")
        claim_code = batch.codes.available().order_by("pk").first()
        if claim_code:
            with translation.override(settings.LANGUAGE_CODE):
                path = reverse("members:code_claim", kwargs={"code": claim_code.display})
            self.stdout.write(f"Demo claim code: {claim_code.display}  ({path})")
        else:
            self.stdout.write(f"Every code of the batch {DEMO_BATCH!r} has been used.")
        self.stdout.write(f"Curator login: {CURATOR[0]} / {CURATOR_PASSWORD}")

    def _profile(self, membership, name, role, municipality, bio, visibility, colour):
        """A profile with an avatar, unless the member has filled one in already (a
        second run, or someone trying the demo, must not see their changes undone)."""
        existing = Profile.objects.filter(membership=membership).first()
        if existing is not None and (existing.display_name or existing.photo):
            return
        profile_update(
            membership=membership,
            display_name=name,
            role=role,
            bio=bio,
            visibility=visibility,
            photo=process_photo(initials_avatar(name, colour)),
        )

    def _account(self, email, first_name, last_name, password=None):
        """An account with a verified e-mail address, so that it can log in. The password
        is set when the account is made only: a changed password stays changed."""
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(
                username=email.split("@")[0],
                email=email,
                first_name=first_name,
                last_name=last_name,
            )
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user
