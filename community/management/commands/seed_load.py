"""A large, realistic data set for benchmarks: `manage.py seed_load --members 10000
--stories 100000` (make bench runs it on a fresh database under /tmp).

Bulk inserts in one transaction, not the services: the services take the member-number
lock and render Markdown once per call, which is right for people and far too slow for
100,000 rows. What the services guarantee is kept by construction instead: member
numbers continue after the highest one and the counter row is set to the last, every
redeemed code belongs to exactly one membership, every accepted invitation to the member
it made, a reaction is given once per member, story and kind. Markdown is rendered once
per distinct body and the HTML reused; one password hash is made and shared. Hidden
stories get no moderation log entries: no page that is measured reads the log.

The same --seed gives the same rows (times are counted back from the moment it runs).
It refuses a database that holds more than the demo members, unless --force: it is
meant for throw-away databases, never for a site with real members."""

import base64
import io
import random
import time
import uuid
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from book.models import Book, Chapter
from core.markdown import render_markdown
from meetings.models import Meeting
from members.codes import ALPHABET, LENGTH
from members.models import (
    ClaimCode,
    CodeBatch,
    CodeStatus,
    How,
    Invitation,
    Membership,
    MembershipCounter,
    Profile,
    Role,
    Visibility,
)
from organisations.models import Affiliation, Organisation, Relation
from stories.demo import THEMES
from stories.models import (
    Reaction,
    ReactionKind,
    Reply,
    Report,
    Status,
    Story,
    Theme,
)

#: More memberships than this and the database is not a demo or an empty one.
MAX_EXISTING_MEMBERSHIPS = 20
#: The anonymous chapter page benchmark reads the first open chapter with this many.
HOT_CHAPTER_STORIES = 1000
BATCH = 2000
PASSWORD = "seed-load-wachtwoord"
EMAIL_DOMAIN = "seed.example.org"

FIRST_NAMES = [
    "Anna", "Bram", "Chantal", "Daan", "Eva", "Fleur", "Gijs", "Hanna", "Ilse", "Jesse",
    "Karim", "Lieke", "Milan", "Noor", "Olaf", "Priya", "Quinten", "Roos", "Sem", "Tessa",
    "Umut", "Vera", "Wouter", "Yara", "Zoë", "Bas", "Demi", "Finn", "Jasmijn", "Luuk",
]  # fmt: skip
LAST_NAMES = [
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
    "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs", "Haan",
]  # fmt: skip
# Invented places, as in the demo members.
MUNICIPALITIES = [
    "Gemeente Wilgendaal", "Gemeente Bremhorst", "Gemeente Lindeveen", "Gemeente Oosterkade",
    "Gemeente Esveld", "Gemeente Moerhaven", "Gemeente Rietburg", "Gemeente Hazelbeek",
    "Gemeente Kampereiland", "Gemeente Duinwijk", "Gemeente Veenoord", "Gemeente Heidestein",
    "Gemeente Waterloo-Noord", "Gemeente Appelsdorp", "Gemeente Zandhoven",
    "Buurtcoöperatie De Kade", "Wijkbedrijf Zuidpoort", "Stichting Samen Doen",
]  # fmt: skip
ROLES = [Role.RESIDENT, Role.ENTREPRENEUR, Role.GOVERNMENT, Role.CIVIL_SOCIETY, Role.OTHER]
ROLE_WEIGHTS = [40, 15, 25, 15, 5]
BIOS = [
    "",
    "Ik woon hier al dertig jaar en ken de straat beter dan de kaart.",
    "Beleidsmedewerker participatie. Ik leer het meest buiten het stadhuis.",
    "Eigenaar van een kleine zaak in het centrum.",
    "Vrijwilliger bij het buurthuis en de voedselbank.",
    "Opbouwwerker: ik verbind mensen die elkaar nog niet kenden.",
]

TITLE_STARTS = [
    "Het bankje", "De vergunning", "Een buurtbudget", "Het plein", "De moestuin",
    "Een keukentafelgesprek", "De wegopbreking", "Het speelveld", "Een klankbordgroep",
    "De bibliotheek", "Het wijkplan", "Een zonnedak", "De markt", "Het buurthuis",
    "Een straatfeest", "De fietsenstalling", "Het inloopspreekuur", "Een energiecoöperatie",
]  # fmt: skip
TITLE_ENDS = [
    "dat bleef", "die niemand begreep", "waar iedereen over meepraatte", "van de overkant",
    "die we samen maakten", "als leerschool", "na de verkiezingen", "in de winter",
    "zonder formulier", "dat anders liep dan gepland", "en wat het ons leerde",
    "met de buren", "op dinsdagavond", "voor de kinderen",
]  # fmt: skip
SENTENCES = [
    "Het begon met een mail die niemand beantwoordde.",
    "Pas toen we samen aan tafel zaten, ging het ergens over.",
    "De ambtenaar die langskwam, woonde zelf twee straten verderop.",
    "Ik dacht dat het een kwestie van een middag zou zijn; het werden zes weken.",
    "Niemand had erom gevraagd, en op de tekening had niemand het gemist.",
    "Het formulier was gemaakt voor festivals, niet voor een straat met twintig huizen.",
    "We telden op een zaterdagochtend hoeveel mensen er even kwamen zitten.",
    "De wethouder kwam kijken en bleef langer dan gepland.",
    "Achteraf was het gesprek op de stoep belangrijker dan de vergadering.",
    "Wie je uitnodigt, en hoe, bepaalt wie er meebeslist.",
    "De ondernemers in de straat wisten precies wat er nodig was.",
    "Het budget was klein, maar de energie was groot.",
    "Na een jaar staat het er nog steeds, en het wordt gebruikt.",
    "Wat ik ervan leerde: cijfers uit de straat overtuigen meer dan argumenten op papier.",
    "Er kwam een tweede avond, en toen een derde, steeds met meer mensen.",
    "We hebben het plan drie keer omgegooid, elke keer beter.",
    "De kinderen tekenden wat ze wilden; de volwassenen luisterden.",
    "Het lastigste was niet de regel, maar de gewoonte.",
    "Ik heb geleerd om eerst te vragen en pas daarna te vertellen.",
    "Soms is een klapstoeltje bij de bakker de beste inspraakavond.",
    "De gemeente leerde van ons, en wij van de gemeente.",
    "Het verslag van die avond hangt nog in het buurthuis.",
]  # fmt: skip
EMPHASIS = ["*samen*", "**echt**", "*leefwereld*", "**systeemwereld**", "*buurt*"]
REPLY_TEXTS = [
    "Wat herkenbaar. Bij ons ging het precies zo.",
    "Dank voor het delen, dit neem ik mee naar ons team.",
    "Mooi hoe één gesprek meer deed dan alle formulieren.",
    "Hebben jullie het verslag ergens online staan?",
    "Dit ga ik voorlezen in onze klankbordgroep.",
    "Wij liepen tegen hetzelfde aan. Zullen we eens bellen?",
    "Wat een eerlijk verhaal. Dat helpt meer dan een succesverhaal.",
    "De tip over het klapstoeltje ga ik onthouden.",
    "Als ambtenaar lees ik dit met een kleur op mijn wangen.",
    "Hoe hielden jullie de energie erin na het eerste jaar?",
    "Prachtig. Mag ik dit doorsturen naar onze wethouder?",
    "Bij ons werkte het juist andersom, interessant om te lezen.",
]
REPORT_REASONS = ["Dit lijkt reclame.", "Hier staat een telefoonnummer in.", "Niet vriendelijk."]
HIDDEN_REASON = "Verborgen door de redactie: persoonlijke gegevens."

# Story states, as on a site that has run a while: nearly everything published.
STATUS_WEIGHTS = [
    (Status.PUBLISHED, 88),
    (Status.FEATURED, 3),
    (Status.PENDING, 4),
    (Status.HIDDEN, 2),
    (Status.DRAFT, 3),
]
# How members came in: most claim a digital copy, a quarter a printed one.
HOW_WEIGHTS = [(How.DIGITAL, 60), (How.PRINTED, 25), (How.INVITATION, 15)]
DISTINCT_BODIES = 40


class Command(BaseCommand):
    help = (
        "Fill a throw-away database with many members and stories for benchmarks "
        "(refuses a database with real members unless --force)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=10_000)
        parser.add_argument("--stories", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1, help="same seed, same data")
        parser.add_argument(
            "--force",
            action="store_true",
            help=f"add to a database that already holds more than "
            f"{MAX_EXISTING_MEMBERSHIPS} memberships",
        )

    def handle(self, *args, members, stories, seed, force, **options):
        if members < 1 or stories < 0:
            raise CommandError("--members must be at least 1 and --stories at least 0.")
        existing = Membership.objects.count()
        if existing > MAX_EXISTING_MEMBERSHIPS and not force:
            raise CommandError(
                f"This database already holds {existing} memberships: seed_load is for "
                "empty or demo databases. Add --force to add to it anyway."
            )
        started = time.monotonic()
        if not Chapter.objects.published().exists():
            call_command("load_demo", stdout=self.stdout, stderr=self.stderr)
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.timings: list[tuple[str, float]] = []
        with transaction.atomic():
            first = self._seed_members(members)
            self._seed_stories(stories)
            # Meetings for /bijeenkomsten/ and a meeting's page: one per 50 members.
            meetings = max(10, members // 50)
            call_command(
                "seed_meetings",
                meetings=meetings,
                registrations=meetings * min(20, members),
                seed=seed,
                stdout=io.StringIO(),  # counted in the one summary line below
            )
            if self.hot_chapter is not None:  # the chapter page the benchmark reads
                call_command(
                    "seed_suggestions",
                    chapter=self.hot_chapter.slug,
                    count=500,
                    seed=seed,
                    stdout=io.StringIO(),
                )
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner and the tables' visibility maps, as
            # autovacuum would give them minutes later: without the statistics it guesses
            # a handful of rows and plans accordingly; without the visibility map every
            # count read on an index fetches the rows from the table as well. The tables
            # the site owns (the system catalogs are the server's: skipped). VACUUM runs
            # outside a transaction only (not inside a test's): ANALYZE alone there.
            tables = ", ".join(
                connection.ops.quote_name(t) for t in connection.introspection.table_names()
            )
            vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            with connection.cursor() as cursor:
                cursor.execute(f"{vacuum} {tables}")
        seconds = time.monotonic() - started
        self.stdout.write(
            f"seed_load: {members} members (nos. {first}-{first + members - 1}), "
            f"{stories} stories, {self.counts['reactions']} reactions, "
            f"{self.counts['replies']} replies, {Meeting.objects.count()} meetings in {seconds:.1f} s "
            f"({', '.join(f'{name} {s:.1f} s' for name, s in self.timings)})."
        )
        if self.hot_chapter is not None:
            self.stdout.write(
                f"Chapter with {self.counts['hot']} stories: /hoofdstuk/{self.hot_chapter.slug}/"
            )
        self.stdout.write(f"Log in as lid{first}@{EMAIL_DOMAIN} with password {PASSWORD}")

    def _phase(self, name: str, since: float) -> float:
        now = time.monotonic()
        self.timings.append((name, now - since))
        return now

    def _ago(self, days_max: float):
        return self.now - timedelta(seconds=self.rng.uniform(0, days_max * 86400))

    def _token(self, size: int) -> str:
        return base64.urlsafe_b64encode(self.rng.randbytes(size)).decode().rstrip("=")

    # ---- Members -----------------------------------------------------------------

    def _seed_members(self, count: int) -> int:
        """Users with a verified address, memberships numbered on from the highest, the
        counter set to the last number; profiles, invitations, printed codes."""
        rng, tick = self.rng, time.monotonic()
        counter, _created = MembershipCounter.objects.select_for_update().get_or_create(pk=1)
        highest = Membership.objects.aggregate(highest=Max("number"))["highest"] or 0
        first = max(counter.last_number, highest) + 1
        numbers = range(first, first + count)

        password = make_password(PASSWORD)
        # Older members joined longer ago: claimed_at grows with the number.
        span = 730 * 86400
        claimed = {
            number: self.now - timedelta(seconds=span * (1 - i / count) + 60)
            for i, number in enumerate(numbers)
        }
        User = get_user_model()
        users = User.objects.bulk_create(
            (
                User(
                    username=f"seed{number}",
                    email=f"lid{number}@{EMAIL_DOMAIN}",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    password=password,
                    date_joined=claimed[number],
                    last_login=claimed[number],
                )
                for number in numbers
            ),
            batch_size=BATCH,
        )
        EmailAddress.objects.bulk_create(
            (
                EmailAddress(user=user, email=user.email, verified=True, primary=True)
                for user in users
            ),
            batch_size=BATCH,
        )
        tick = self._phase("users", tick)

        hows = rng.choices([how for how, _w in HOW_WEIGHTS], [w for _h, w in HOW_WEIGHTS], k=count)
        hows[0] = How.DIGITAL  # the first seeded member has no one to be invited by
        codes = self._seed_codes(
            [claimed[first + i] for i, how in enumerate(hows) if how == How.PRINTED]
        )

        # Invitees are invited by someone who joined in an earlier chunk, so that the
        # inviter's row (and pk) exists when the invitation is made.
        chunk = max(10, min(1000, count // 10))
        memberships: list[Membership] = []
        code_iter = iter(codes)
        for start in range(0, count, chunk):
            invitations = {}
            for i in range(start, min(start + chunk, count)):
                if hows[i] == How.INVITATION and not memberships:
                    hows[i] = How.DIGITAL
                if hows[i] == How.INVITATION:
                    number = first + i
                    invitations[i] = Invitation(
                        token=self._token(24),
                        created_by=rng.choice(memberships),
                        created_at=claimed[number] - timedelta(days=rng.uniform(0.1, 20)),
                        accepted_at=claimed[number],
                        name=rng.choice(FIRST_NAMES),
                    )
            Invitation.objects.bulk_create(invitations.values(), batch_size=BATCH)
            batch = []
            for i in range(start, min(start + chunk, count)):
                number = first + i
                invitation = invitations.get(i)
                batch.append(
                    Membership(
                        user=users[i],
                        number=number,
                        claimed_at=claimed[number],
                        how=hows[i],
                        code=next(code_iter) if hows[i] == How.PRINTED else None,
                        invitation=invitation,
                        invited_by=invitation.created_by if invitation else None,
                    )
                )
            memberships += Membership.objects.bulk_create(batch, batch_size=BATCH)
        # Invitations not (yet) accepted: one for about every twentieth member.
        Invitation.objects.bulk_create(
            (
                Invitation(
                    token=self._token(24),
                    created_by=inviter,
                    created_at=self._ago(60),
                    name=rng.choice(FIRST_NAMES),
                )
                for inviter in rng.sample(memberships, k=max(1, count // 20))
            ),
            batch_size=BATCH,
        )
        counter.last_number = first + count - 1
        counter.save(update_fields=["last_number"])
        tick = self._phase("memberships", tick)

        profiles = []
        for membership, user in zip(memberships, users, strict=True):
            if rng.random() < 0.3:
                continue  # a member who never opened their profile has none
            profiles.append(
                Profile(
                    membership=membership,
                    display_name=(
                        f"{user.first_name} {user.last_name}"
                        if rng.random() < 0.7
                        else user.first_name
                    ),
                    role=rng.choices(ROLES, ROLE_WEIGHTS)[0],
                    bio=rng.choice(BIOS),
                    visibility=rng.choices(
                        [Visibility.FULL, Visibility.NAME, Visibility.HIDDEN], [60, 30, 10]
                    )[0],
                    card_token=self._token(18),
                )
            )
        Profile.objects.bulk_create(profiles, batch_size=BATCH)
        # Every member with a profile lives in one of sixty municipalities (chosen on
        # "Mijn organisaties"), most of them showing it, some verified.
        places = list(Organisation.objects.municipalities().current().order_by("cbs_code")[:60])
        self.place = {p.membership_id: rng.choice(places) for p in profiles} if places else {}
        Affiliation.objects.bulk_create(
            (
                Affiliation(
                    membership_id=membership_id,
                    organisation=place,
                    relation=Relation.LIVES,
                    public=rng.random() < 0.6,
                    verified=rng.random() < 0.3,
                )
                for membership_id, place in self.place.items()
            ),
            batch_size=BATCH,
        )
        self.member_ids = [m.pk for m in memberships]
        self.joined = {m.pk: m.claimed_at for m in memberships}
        self._phase("profiles", tick)
        return first

    def _seed_codes(self, redeemed_at: list) -> list[ClaimCode]:
        """Print runs of 2,500 codes; one redeemed at each of `redeemed_at` (returned, in
        order, for the printed memberships), a few revoked, the rest in unsold books."""
        rng, redeemed = self.rng, len(redeemed_at)
        total = max(redeemed + redeemed // 3, 1)
        taken = set(ClaimCode.objects.values_list("code", flat=True))
        fresh: list[str] = []
        while len(fresh) < total:
            code = "".join(rng.choices(ALPHABET, k=LENGTH))
            if code not in taken:
                taken.add(code)
                fresh.append(code)
        batches = CodeBatch.objects.bulk_create(
            CodeBatch(
                label=f"Druk {n + 1} (seed)",
                size=min(2500, total - n * 2500),
                created_at=self.now - timedelta(days=730 - n * 30),
            )
            for n in range((total + 2499) // 2500)
        )
        codes = [
            ClaimCode(code=code, batch=batches[i // 2500], status=CodeStatus.AVAILABLE)
            for i, code in enumerate(fresh)
        ]
        for claim, when in zip(codes, redeemed_at, strict=False):
            claim.status, claim.redeemed_at = CodeStatus.REDEEMED, when
        for claim in codes[redeemed:]:
            if rng.random() < 0.03:
                claim.status = CodeStatus.REVOKED
        ClaimCode.objects.bulk_create(codes, batch_size=BATCH)
        return codes[:redeemed]

    # ---- Stories -----------------------------------------------------------------

    def _bodies(self) -> list[tuple[str, str]]:
        """A few dozen distinct Markdown bodies, each rendered once."""
        rng, bodies = self.rng, []
        for _n in range(DISTINCT_BODIES):
            paragraphs = []
            for _p in range(rng.randint(2, 5)):
                sentences = rng.sample(SENTENCES, k=rng.randint(2, 5))
                if rng.random() < 0.3:
                    sentences.append(f"Het ging om {rng.choice(EMPHASIS)}.")
                paragraphs.append(" ".join(sentences))
            if rng.random() < 0.25:
                paragraphs.insert(
                    rng.randint(1, len(paragraphs)),
                    "\n".join(f"- {s}" for s in rng.sample(SENTENCES, k=3)),
                )
            body = "\n\n".join(paragraphs)
            bodies.append((body, render_markdown(body).html))
        return bodies

    def _seed_stories(self, count: int) -> None:
        rng, tick = self.rng, time.monotonic()
        self.counts = {"reactions": 0, "replies": 0, "hot": 0}
        self.hot_chapter: Chapter | None = None
        if count == 0:
            return
        book = Book.objects.current()
        chapters = list(Chapter.objects.published().filter(book=book).in_order())
        if not chapters:
            raise CommandError("No published chapter: run load_demo first.")
        open_chapters = [chapter for chapter in chapters if chapter.is_open]
        self.hot_chapter = open_chapters[0] if open_chapters else chapters[0]
        others = [chapter for chapter in chapters if chapter != self.hot_chapter] or chapters
        # One open chapter holds about a thousand stories (the anonymous chapter page
        # benchmark); the rest spread over the other chapters.
        hot = min(HOT_CHAPTER_STORIES, count // 4) if len(chapters) > 1 else count
        chapter_ids = [self.hot_chapter.pk] * hot + [
            rng.choice(others).pk for _n in range(count - hot)
        ]
        rng.shuffle(chapter_ids)
        self.counts["hot"] = hot

        themes = [
            Theme.objects.get_or_create(slug=slug, defaults={"name": name})[0]
            for name, slug in THEMES
        ]
        bodies = self._bodies()
        # A few prolific writers, many who write once: Zipf-like weights.
        writers = rng.sample(self.member_ids, k=max(1, len(self.member_ids) * 2 // 5))
        weights = [1 / (rank + 1) ** 0.8 for rank in range(len(writers))]
        authors = rng.choices(writers, weights, k=count)
        statuses = rng.choices(
            [s for s, _w in STATUS_WEIGHTS], [w for _s, w in STATUS_WEIGHTS], k=count
        )
        rows = []
        for n in range(count):
            body, html = rng.choice(bodies)
            joined = self.joined[authors[n]]
            created = joined + (self.now - joined) * rng.random()
            status = statuses[n]
            rows.append(
                Story(
                    chapter_id=chapter_ids[n],
                    author_id=authors[n],
                    title=f"{rng.choice(TITLE_STARTS)} {rng.choice(TITLE_ENDS)}",
                    body=body,
                    body_html=html,
                    municipality=(
                        self.place[authors[n]].name
                        if authors[n] in self.place
                        else rng.choice(MUNICIPALITIES)
                    ),
                    organisation=self.place.get(authors[n]),
                    status=status,
                    hidden_reason=HIDDEN_REASON if status == Status.HIDDEN else "",
                    created_at=created,
                    published_at=(
                        None
                        if status in (Status.DRAFT, Status.PENDING)
                        else created + timedelta(hours=rng.uniform(0, 48))
                    ),
                    edited=rng.random() < 0.05,
                    submission_key=uuid.UUID(int=rng.getrandbits(128), version=4),
                )
            )
        stories = Story.objects.bulk_create(rows, batch_size=BATCH)
        Through = Story.themes.through
        Through.objects.bulk_create(
            (
                Through(story_id=story.pk, theme_id=theme.pk)
                for story in stories
                for theme in rng.sample(themes, k=rng.choice((0, 1, 1, 2)))
            ),
            batch_size=BATCH * 2,
        )
        tick = self._phase("stories", tick)
        public = [story for story in stories if story.status in (Status.PUBLISHED, Status.FEATURED)]
        self._seed_reactions(public)
        tick = self._phase("reactions", tick)
        self._seed_replies(public)
        self._phase("replies", tick)

    def _seed_reactions(self, stories: list[Story]) -> None:
        rng, members = self.rng, self.member_ids
        kinds = [ReactionKind.RECOGNISABLE, ReactionKind.THANKS]
        assert self.hot_chapter is not None  # _seed_stories chose it
        hot = self.hot_chapter.pk
        buffer = []
        for story in stories:
            # Mostly none to a handful; stories in the busy chapter get more.
            wanted = min(int(rng.expovariate(1 / (5 if story.chapter_id == hot else 2))), 60)
            given = set()
            for member_id in rng.sample(members, k=min(wanted, len(members))):
                if member_id != story.author_id:
                    given.add((member_id, rng.choice(kinds)))
            for member_id, kind in given:
                buffer.append(
                    Reaction(
                        story_id=story.pk,
                        member_id=member_id,
                        kind=kind,
                        created_at=story.published_at or self.now,
                    )
                )
            if len(buffer) >= 10 * BATCH:
                self.counts["reactions"] += len(Reaction.objects.bulk_create(buffer, BATCH))
                buffer = []
        self.counts["reactions"] += len(Reaction.objects.bulk_create(buffer, BATCH))

    def _seed_replies(self, stories: list[Story]) -> None:
        """About one reply per three stories; a handful of stories with a long thread
        (the story page benchmark reads one); a few hidden and reported replies."""
        rng, members = self.rng, self.member_ids
        texts = [(text, render_markdown(text).html) for text in REPLY_TEXTS]
        long_threads = set(rng.sample(range(len(stories)), k=min(20, len(stories))))
        rows = []
        for index, story in enumerate(stories):
            if index in long_threads:
                wanted = rng.randint(15, 25)
            else:
                wanted = 0
                while rng.random() < 0.28:  # 0.4 replies a story on average
                    wanted += 1
            for n in range(wanted):
                text, html = rng.choice(texts)
                hidden = rng.random() < 0.02
                rows.append(
                    Reply(
                        story_id=story.pk,
                        author_id=rng.choice(members),
                        body=text,
                        body_html=html,
                        is_hidden=hidden,
                        hidden_reason=HIDDEN_REASON if hidden else "",
                        created_at=(story.published_at or self.now)
                        + timedelta(hours=n + rng.random()),
                    )
                )
        replies = Reply.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["replies"] = len(replies)
        reports = [
            Report(
                story_id=story.pk,
                reporter_id=rng.choice(members),
                reason=rng.choice(REPORT_REASONS),
                created_at=self.now,
            )
            for story in rng.sample(stories, k=len(stories) // 1000)
        ] + [
            Report(
                reply_id=reply.pk,
                reporter_id=rng.choice(members),
                reason=rng.choice(REPORT_REASONS),
                created_at=self.now,
            )
            for reply in rng.sample(replies, k=len(replies) // 1000)
        ]
        Report.objects.bulk_create(reports, batch_size=BATCH)
