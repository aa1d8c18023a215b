from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import CodeBatch, Membership


class Kind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Gemeente")
    PROVINCE = "province", _("Provincie")
    WATER_BOARD = "water_board", _("Waterschap")
    CIVIL_SOCIETY = "civil_society", _("Maatschappelijke organisatie")
    BUSINESS = "business", _("Onderneming")
    RESIDENTS = "residents", _("Bewonersinitiatief")
    EDUCATION = "education", _("Onderwijs")
    OTHER = "other", _("Overig")


class Province(models.TextChoices):
    """The twelve provinces, by their ISO 3166-2 code."""

    GRONINGEN = "GR", "Groningen"
    FRYSLAN = "FR", "Fryslân"
    DRENTHE = "DR", "Drenthe"
    OVERIJSSEL = "OV", "Overijssel"
    FLEVOLAND = "FL", "Flevoland"
    GELDERLAND = "GE", "Gelderland"
    UTRECHT = "UT", "Utrecht"
    NOORD_HOLLAND = "NH", "Noord-Holland"
    ZUID_HOLLAND = "ZH", "Zuid-Holland"
    ZEELAND = "ZE", "Zeeland"
    NOORD_BRABANT = "NB", "Noord-Brabant"
    LIMBURG = "LI", "Limburg"


class Relation(models.TextChoices):
    LIVES = "lives", _("Woont in")
    WORKS = "works", _("Werkt bij")
    VOLUNTEERS = "volunteers", _("Lid of vrijwilliger bij")
    OWNS = "owns", _("Eigenaar van")


class OrganisationQuerySet(models.QuerySet):
    def current(self):
        """Organisations that still exist: a merged municipality points to its successor."""
        return self.filter(successor__isnull=True)

    def search(self, query: str):
        """Current organisations whose name contains `query`, by name: the search step
        of every page that chooses an organisation."""
        return self.current().filter(name__icontains=query).order_by("name", "pk")

    def municipalities(self):
        return self.filter(kind=Kind.MUNICIPALITY)

    def with_member_counts(self):
        """Each organisation with the number of current members affiliated with it, in
        one query (a member with two relations to it counts once)."""
        return self.annotate(
            member_count=Count(
                "affiliations__membership",
                filter=Q(affiliations__membership__user__isnull=False),
                distinct=True,
            )
        )

    def verified_for(self, membership: Membership):
        """The current organisations `membership` belongs to by a verified affiliation,
        each once, by name: those a story of theirs may name."""
        return (
            self.current()
            .filter(affiliations__membership=membership, affiliations__verified=True)
            .distinct()
            .order_by("name", "pk")
        )

    def with_members(self):
        """The organisations the overview lists: current ones with at least one current
        member."""
        return self.current().with_member_counts().filter(member_count__gt=0)


class Organisation(models.Model):
    """A municipality, province, company, civic organisation ... taking part in the
    community. Municipalities ship as data (organisations/data/municipalities.csv) with
    their CBS code; a merged one keeps its row and points to its `successor`."""

    name = models.CharField(_("naam"), max_length=200)
    slug = models.SlugField(_("korte naam in het adres"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, db_index=True)
    description = models.TextField(_("beschrijving (Markdown)"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    logo = models.ImageField(_("logo"), upload_to="organisations/", blank=True)
    logo_thumbnail = models.ImageField(upload_to="organisations/", blank=True, editable=False)
    website = models.URLField(_("website"), blank=True)
    learning_question = models.CharField(
        _("leervraag"),
        max_length=300,
        blank=True,
        help_text=_("Waar we nu mee worstelen, in een zin of twee."),
    )
    founding = models.BooleanField(
        _("oprichter"),
        default=False,
        help_text=_("Een van de gemeenten die de Community of Practice begonnen."),
    )
    verified = models.BooleanField(_("bevestigd door de redactie"), default=False)
    email_domains = models.CharField(
        _("e-maildomeinen"),
        max_length=500,
        blank=True,
        help_text=_(
            "Gescheiden door komma's, bijvoorbeeld zwolle.nl. Een lid met een bevestigd "
            "adres op een van deze domeinen wordt vanzelf bevestigd als medewerker."
        ),
    )
    cbs_code = models.CharField(
        _("CBS-code"), max_length=6, unique=True, null=True, blank=True, default=None
    )
    province = models.CharField(_("provincie"), max_length=2, choices=Province.choices, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("opgegaan in"),
    )
    batch_quota = models.PositiveIntegerField(
        _("codes voor coördinatoren"),
        default=0,
        help_text=_("Hoeveel claimcodes de coördinatoren samen mogen aanmaken."),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    #: Raised by every change its page and the overviews show of it: an edit, a member
    #: who joins or leaves (organisations.services.organisations_changed); the cached
    #: pages are keyed by it.
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        # The page shows stories as well, so it lives in community/ (organisation_views).
        name = "municipality" if self.kind == Kind.MUNICIPALITY else "organisation"
        return reverse(name, kwargs={"slug": self.slug})

    @property
    def domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.email_domains.split(",") if d.strip()]


class AffiliationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(public=True)

    def current(self):
        return self.filter(membership__user__isnull=False)

    def municipalities(self):
        """Affiliations with a current municipality, the first chosen first: a member's
        municipality is the first of theirs (the profile's old free-text field gave
        way to this)."""
        return self.filter(
            organisation__kind=Kind.MUNICIPALITY, organisation__successor__isnull=True
        ).order_by("membership_id", "created_at", "pk")

    def municipality_names(self, membership_ids) -> dict[int, str]:
        """Each member's municipality (the first they chose), by membership id, in one
        query."""
        names: dict[int, str] = {}
        rows = self.municipalities().filter(membership_id__in=membership_ids)
        for membership_id, name in rows.values_list("membership_id", "organisation__name"):
            names.setdefault(membership_id, name)
        return names


class Affiliation(models.Model):
    """How a member belongs to an organisation. Private ones are seen only by the member
    and curators; coordinators see them in counts only."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("lid")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="affiliations",
        verbose_name=_("organisatie"),
    )
    relation = models.CharField(_("relatie"), max_length=12, choices=Relation.choices)
    public = models.BooleanField(_("openbaar"), default=False)
    verified = models.BooleanField(_("bevestigd"), default=False)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    objects = AffiliationQuerySet.as_manager()

    class Meta:
        verbose_name = _("verbinding")
        verbose_name_plural = _("verbindingen")
        ordering = ["organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "organisation", "relation"],
                name="affiliation_unique_relation",
            )
        ]

    def __str__(self):
        return f"{self.membership} – {self.get_relation_display()} {self.organisation}"


class Coordinator(models.Model):
    """A member who looks after an organisation's page, affiliations and codes."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="coordinators",
        verbose_name=_("organisatie"),
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="coordinating",
        verbose_name=_("lid"),
    )
    appointed_at = models.DateTimeField(_("aangesteld op"), default=timezone.now)

    class Meta:
        verbose_name = _("coördinator")
        verbose_name_plural = _("coördinatoren")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "membership"], name="coordinator_unique"
            )
        ]

    def __str__(self):
        return f"{self.membership} – {self.organisation}"


class OrganisationBatch(models.Model):
    """A claim-code batch made by (or for) an organisation's coordinators."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name=_("organisatie"),
    )
    batch = models.OneToOneField(
        CodeBatch, on_delete=models.CASCADE, related_name="organisation_link"
    )

    class Meta:
        verbose_name = _("reeks van een organisatie")
        verbose_name_plural = _("reeksen van organisaties")

    def __str__(self):
        return f"{self.batch} – {self.organisation}"


class UnmatchedName(models.Model):
    """A free-text municipality from before organisations existed that matched none,
    listed for curators until they map it."""

    name = models.CharField(_("naam"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    class Meta:
        verbose_name = _("onbekende naam")
        verbose_name_plural = _("onbekende namen")
        ordering = ["name"]

    def __str__(self):
        return self.name
