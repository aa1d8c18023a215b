"""State changes of organisations and affiliations."""

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.images import ProcessedPhoto, files_delete_on_commit, photo_put
from core.markdown import render_markdown
from members.models import Membership, Profile, Visibility
from members.services import membership_claim_digital

from .matching import normalised
from .models import Affiliation, Kind, Organisation, Relation
from .municipalities import slug_free


def organisations_changed(*, pks: Iterable[int]) -> None:
    """Something the pages of the organisations `pks` (or the overviews) show of them
    changed: their text, who belongs to them. Raises their `version`, which the cached
    pages are keyed by; call it in the transaction that makes the change."""
    pks = set(pks)
    if pks:
        Organisation.objects.filter(pk__in=pks).update(version=F("version") + 1)


def organisation_save(
    *,
    organisation: Organisation,
    logo: ProcessedPhoto | None = None,
    remove_logo: bool = False,
) -> Organisation:
    """Save an organisation as edited (by a curator or coordinator): its description
    through the one Markdown sanitiser, a new logo (already through core.images)
    replacing the old one, whose files are deleted after the commit."""
    with transaction.atomic():
        organisation.description = organisation.description.strip()
        organisation.description_html = render_markdown(organisation.description).html
        organisation.email_domains = ", ".join(organisation.domains)
        stale = photo_put(
            organisation,
            photo=logo,
            remove=remove_logo,
            image_field="logo",
            thumbnail_field="logo_thumbnail",
        )
        organisation.full_clean()
        organisation.save()
        organisations_changed(pks=[organisation.pk])
        files_delete_on_commit(stale)
        return organisation


def email_on_domains(*, email: str, domains: list[str]) -> bool:
    _local, at, domain = email.rpartition("@")
    return bool(at) and domain.lower() in domains


def verified_emails(user) -> list[str]:
    return list(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )


def affiliation_add(
    *,
    membership: Membership,
    organisation: Organisation,
    relation: str,
    public: bool,
) -> Affiliation:
    """Affiliate a member with an organisation. Verified at once when one of the member's
    verified e-mail addresses is on one of the organisation's domains; otherwise a
    coordinator (or curator) verifies it. Adding the same relation again changes only
    its visibility."""
    if relation not in Relation.values:
        raise ValidationError(_("Kies hoe je bij deze organisatie hoort."))
    if organisation.successor_id is not None:
        raise ValidationError(
            _("Deze organisatie bestaat niet meer; kies %(name)s.")
            % {"name": organisation.successor}
        )
    domains = organisation.domains
    verified = bool(domains) and any(
        email_on_domains(email=email, domains=domains) for email in verified_emails(membership.user)
    )
    with transaction.atomic():
        affiliation, created = Affiliation.objects.select_for_update().get_or_create(
            membership=membership,
            organisation=organisation,
            relation=relation,
            defaults={"public": public, "verified": verified},
        )
        if not created:
            affiliation.public = public
            affiliation.verified = affiliation.verified or verified
            affiliation.save(update_fields=["public", "verified"])
        organisations_changed(pks=[organisation.pk])
        return affiliation


def membership_join_via(
    *, user: User, organisation: Organisation, relation: str, public: bool
) -> tuple[Affiliation, bool]:
    """ "Word lid via <organisatie>": a digital copy for `user` unless they hold one, and
    their affiliation with `organisation`, together or not at all. Returns the
    affiliation and whether a copy was claimed."""
    with transaction.atomic():
        existing = Membership.objects.for_user(user)
        joined = existing is None
        membership = membership_claim_digital(user=user) if existing is None else existing
        affiliation = affiliation_add(
            membership=membership, organisation=organisation, relation=relation, public=public
        )
        return affiliation, joined


def affiliation_remove(*, affiliation: Affiliation) -> None:
    with transaction.atomic():
        affiliation.delete()
        organisations_changed(pks=[affiliation.organisation_id])


def affiliation_verify(*, affiliation: Affiliation) -> Affiliation:
    with transaction.atomic():
        affiliation.verified = True
        affiliation.save(update_fields=["verified"])
        return affiliation


def affiliation_confirm(*, membership: Membership, organisation: Organisation) -> Affiliation:
    """ "Werkt bij <organisatie>", verified: the member signed in through the
    organisation's own provider (organisations.sso), which vouches for it. An existing
    affiliation keeps its visibility; a new one is private, as signing in through an
    employer's system should not announce where one works. Once per member and
    organisation, however often they sign in."""
    with transaction.atomic():
        affiliation = (
            Affiliation.objects.select_for_update()
            .filter(membership=membership, organisation=organisation, relation=Relation.WORKS)
            .first()
        )
        if affiliation is None:
            affiliation = affiliation_add(
                membership=membership,
                organisation=organisation,
                relation=Relation.WORKS,
                public=False,
            )
        if not affiliation.verified:
            affiliation = affiliation_verify(affiliation=affiliation)
        return affiliation


def affiliations_from_text(*, text: str, organisation: Organisation) -> int:
    """Affiliate every current member whose profile names `text` (in any spelling that
    normalises to it) with `organisation`, as the data migration does; returns how many
    affiliations were made."""
    key = normalised(text)
    made = 0
    with transaction.atomic():
        profiles = (
            Profile.objects.exclude(municipality="")
            .filter(membership__user__isnull=False)
            .values_list("membership_id", "municipality", "visibility")
        )
        for membership_id, municipality, visibility in profiles:
            if normalised(municipality) != key:
                continue
            _affiliation, created = Affiliation.objects.get_or_create(
                membership_id=membership_id,
                organisation=organisation,
                relation=(
                    Relation.LIVES
                    if organisation.kind == Kind.MUNICIPALITY
                    else Relation.VOLUNTEERS
                ),
                defaults={"public": visibility == Visibility.FULL},
            )
            made += created
        organisations_changed(pks=[organisation.pk] if made else [])
    return made


def organisation_create(*, name: str, kind: str) -> Organisation:
    """A new organisation named as curators typed it, with a free slug."""
    name = name.strip()
    if kind not in Kind.values:
        raise ValidationError(_("Kies een soort organisatie."))
    if not name:
        raise ValidationError(_("Geef de organisatie een naam."))
    with transaction.atomic():
        taken = set(
            Organisation.objects.filter(slug__startswith=slugify(name)[:50]).values_list(
                "slug", flat=True
            )
        )
        return organisation_save(
            organisation=Organisation(name=name, kind=kind, slug=slug_free(name, taken=taken))
        )


def affiliations_export(*, membership: Membership | None) -> dict:
    """A member's affiliations and coordinator roles, for their data download."""
    if membership is None:
        return {"affiliations": [], "coordinating": []}
    affiliations = Affiliation.objects.filter(membership=membership).select_related("organisation")
    return {
        "affiliations": [
            {
                "organisation": affiliation.organisation.name,
                "relation": affiliation.relation,
                "public": affiliation.public,
                "verified": affiliation.verified,
                "since": affiliation.created_at.isoformat(),
            }
            for affiliation in affiliations.order_by("created_at", "pk")
        ],
        "coordinating": list(
            membership.coordinating.order_by("pk").values_list("organisation__name", flat=True)
        ),
    }


def affiliations_on_account_delete(*, membership: Membership) -> None:
    """Leaving removes every affiliation and coordinator role: the membership row stays
    behind without a person, and must not stay counted as anyone's member."""
    with transaction.atomic():
        affiliations = Affiliation.objects.filter(membership=membership)
        organisations_changed(pks=affiliations.values_list("organisation", flat=True))
        affiliations.delete()
        membership.coordinating.all().delete()
