"""Load and faults: a minute of mixed traffic on gunicorn with the production settings,
with one worker killed halfway, then a count of the database rows against what the
clients were told.

    python bench/load_faults.py                  # `make load`: 60 s, a worker killed at 30 s
    python bench/load_faults.py --seconds 10     # a quick run
    python bench/load_faults.py --no-kill-worker # load only

Needs PostgreSQL and Redis: it runs .ci/services.sh, which starts both on loopback
(installing them when missing), then makes a database of its own (community_load,
dropped afterwards unless --keep-database) and uses a Redis database of its own (12).
Every request goes to 127.0.0.1.

The site: migrated, the demo book and members loaded, then ~200 users with verified
e-mail addresses (one password hash shared by all): members with a story a curator
approved (so the new-member limits of stories.writing do not apply to them), people
without a copy who claim a digital one, and people holding a printed copy of a fresh
code batch, several of them holding the same code. A few members log in through the
allauth form; the others get a session straight into the shared Redis session store, as
a login leaves it. gunicorn runs deploy/gunicorn.conf.py (sync workers, --workers of
them) with the production settings and test-safe values (tests/production/servers.py).

The load: --clients threads, each with one http.client connection and users of its own
(one user's requests never overlap, so what a client saw last is what the database must
hold), doing what people do: read the home page, chapters, stories and the newest
stories, write a story (GET the form for the CSRF token and submission key, POST), react,
reply, claim a digital copy, claim a printed copy; the contested codes are claimed by
their holders at the same moment (a barrier). Logins and claims fall due through the run,
as people come. Every response is recorded; the report gives per endpoint the requests,
req/s, the latency the clients saw (p50/p90/p99/max) and the p50 of the worker's own time
from gunicorn's access log (the difference is the wait for a free worker); --json writes
all figures to a file.

The fault (--kill-worker, on by default): at --kill-at seconds, SIGKILL to one gunicorn
worker (a child of the master): one caught inside a writing transaction (found through
pg_stat_activity and the worker's socket ports) when there is one within 3 s, any
otherwise. The master must start a new one. A sync worker serves
one connection at a time, so the kill may break at most that one request (GUNICORN_THREADS
with threads); its client sees a reset or an empty reply. Whatever that request was doing
in the database was one transaction: it committed entirely before the kill, or not at
all when PostgreSQL saw the connection drop.

PASS requires:
  - no 5xx, no unexpected status, no connection error except those of the kill (at most
    the connections the killed worker held, in flight at that moment); no story, reply
    or claim refused;
  - a new worker in the killed one's place, the master still running;
  - every story POST answered with a redirect made exactly one story (its title carries
    the client's token; the redirect names its id); no other load story exists, except
    one per story POST broken by the kill; every story complete: title, status, author,
    and body_html equal to the rendering of its body;
  - the same for replies;
  - memberships: one per user, numbers 1..N without gaps, the counter at N; every
    successful claim has its membership (printed: with that code); no membership for a
    load user who was never told so, except one broken by the kill;
  - each printed code redeemed at most once, by the one client told so, and a code is
    redeemed exactly when a membership holds it;
  - reactions: at most one per (member, story, kind), and each equal to what the
    member's last answer said."""

import argparse
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ first on the path, where its settings.py and
# urls.py would shadow nothing today but could tomorrow: the project folder instead.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.production.servers import (  # noqa: E402
    Server,
    manage,
    production_env,
    start_gunicorn,
    wait_healthy,
)

DEFAULT_PG_ADMIN_URL = "postgres://community:community@127.0.0.1:5432/community"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
PASSWORD = "belasting-test-wachtwoord-7"
USER_PREFIX = "last"
ALREADY_CLAIMED = "Dit exemplaar is al geclaimd."

# What each endpoint answers when all is well.
EXPECTED = {
    "home": {200},
    "chapter": {200},
    "story": {200},
    "latest": {200},
    "my stories": {200},
    "login form": {200},
    "login": {302},
    "story form": {200},
    "story post": {302},
    "react": {200},
    "reply": {302},
    "claim form": {200},
    "claim": {302},
    "code page": {200},
    "code claim": {200, 302},  # 200: told the copy is claimed already
}
WRITES = {"login", "story post", "react", "reply", "claim", "code claim"}


@dataclass
class Config:
    seconds: float = 60
    clients: int = 16
    workers: int = 3
    kill_at: float | None = 30  # None: no worker is killed
    members: int = 100
    login_by_form: int = 4  # of the members
    claimers: int = 60
    solo_codes: int = 6  # printed codes with one holder each
    contested_codes: int = 8
    holders_per_contested_code: int = 4
    seed: int = 7

    @property
    def coders(self) -> int:
        return self.solo_codes + self.contested_codes * self.holders_per_contested_code

    @property
    def users(self) -> int:
        return self.members + self.claimers + self.coders


# ---- The Django side: seeding and inspecting, in a process with the servers' settings --


def _django_seed(spec: dict) -> dict:
    """Migrate, load the demo book and members, then add the load's users and codes (one
    process: each Django start costs seconds on a busy machine)."""
    import django

    django.setup()

    from django.core.management import call_command

    timings, started = {}, time.monotonic()
    call_command("migrate", "--noinput", verbosity=0)
    timings["migrate"] = time.monotonic() - started
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    timings["load_demo"] = time.monotonic() - started - timings["migrate"]

    from allauth.account.models import EmailAddress
    from django.contrib.auth import (
        get_user_model,
    )
    from django.contrib.auth.hashers import make_password
    from django.db.models import Max

    from book.models import Book, Chapter
    from core.sessions import signed_in_session
    from members.management.commands.load_demo_members import CURATOR
    from members.models import Membership
    from members.services import code_batch_create, membership_claim_digital
    from stories.models import Story
    from stories.moderation import story_moderate
    from stories.writing import story_submit

    User = get_user_model()
    # One hash for all: production's PBKDF2 takes a good part of a second per password.
    password = make_password(spec["password"])
    kinds = (
        ["member"] * spec["members"] + ["claimer"] * spec["claimers"] + ["coder"] * spec["coders"]
    )
    users = User.objects.bulk_create(
        User(username=f"{USER_PREFIX}{i}", email=f"{USER_PREFIX}{i}@example.org", password=password)
        for i in range(len(kinds))
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    curator = User.objects.get(email=CURATOR[0])
    chapters = list(Chapter.objects.published().filter(book=Book.objects.current()).in_order())
    for index, user in enumerate(users[: spec["members"]]):
        membership = membership_claim_digital(user=user)
        # Approved by a curator: a trusted author, whom the new-member limits leave alone.
        story = story_submit(
            author=membership,
            chapter=chapters[index % len(chapters)],
            title=f"Wat ik leerde als lid {membership.number}",
            body=f"Een eerste verhaal van lid **{membership.number}**.\n\n- een les\n- nog een",
        )
        story_moderate(story=story, curator=curator, action="approve")

    seeded = []
    for index, (user, kind) in enumerate(zip(users, kinds, strict=True)):
        session_key = None
        if not (kind == "member" and index < spec["login_by_form"]):
            session_key = signed_in_session(user)
        seeded.append({"email": user.email, "kind": kind, "session": session_key})

    batch = code_batch_create(
        label=f"Belastingtest {spec['tag']}", size=spec["solo_codes"] + spec["contested_codes"]
    )
    stories = Story.objects.published().select_related("chapter")
    return {
        "users": seeded,
        "chapters": [{"slug": c.slug, "access": c.access} for c in chapters],
        "stories": [
            {"pk": s.pk, "path": s.get_absolute_url(), "chapter": s.chapter.slug} for s in stories
        ],
        "codes": [code.display for code in batch.codes.order_by("pk")],
        "batch": batch.pk,
        "highest_number": Membership.objects.aggregate(n=Max("number"))["n"] or 0,
        "story_count": Story.objects.count(),
        "timings": timings | {"seed": time.monotonic() - started - sum(timings.values())},
    }


def _django_inspect(spec: dict) -> dict:
    import django

    django.setup()

    from django.db.models import Count, Q

    from core.markdown import render_markdown
    from members.models import ClaimCode, Membership, MembershipCounter
    from stories.models import Reaction, Reply, Status, Story

    tag = spec["tag"]

    def rendered_ok(item) -> bool:
        return bool(item.body_html) and item.body_html == render_markdown(item.body).html

    stories = Story.objects.filter(title__contains=tag).select_related("author__user")
    replies = Reply.objects.filter(body__contains=tag).select_related("author__user")
    codes = ClaimCode.objects.filter(batch_id=spec["batch"]).select_related("redeemed_by__user")
    return {
        "stories": [
            {
                "pk": s.pk,
                "title": s.title,
                "status": s.status,
                "author": s.author.user.email if s.author and s.author.user else None,
                "rendered": rendered_ok(s),
                "published": s.published_at is not None,
            }
            for s in stories
        ],
        "story_count": Story.objects.count(),
        "incomplete_stories": Story.objects.filter(
            Q(title="") | Q(body_html="") | ~Q(status__in=Status.values)
        ).count(),
        "replies": [
            {
                "pk": r.pk,
                "body": r.body,
                "story": r.story_id,
                "author": r.author.user.email if r.author and r.author.user else None,
                "rendered": rendered_ok(r),
            }
            for r in replies
        ],
        "memberships": [
            {"email": email, "number": number, "how": how, "code": code}
            for email, number, how, code in Membership.objects.values_list(
                "user__email", "number", "how", "code__code"
            ).order_by("number")
        ],
        "counter": MembershipCounter.objects.filter(pk=1)
        .values_list("last_number", flat=True)
        .first(),
        "codes": [
            {
                "display": c.display,
                "status": c.status,
                "holder": (
                    c.redeemed_by.user.email
                    if hasattr(c, "redeemed_by") and c.redeemed_by.user
                    else None
                ),
            }
            for c in codes
        ],
        "reaction_duplicates": Reaction.objects.values("story", "member", "kind")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
        "reactions": list(
            Reaction.objects.filter(member__user__email__startswith=USER_PREFIX).values_list(
                "member__user__email", "story_id", "kind"
            )
        ),
    }


def _django_call(what: str, spec: dict, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--internal", what, json.dumps(spec)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stdout[-3000:]}{done.stderr[-5000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- The clients -------------------------------------------------------------------

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_SUBMISSION_KEY = re.compile(r'name="submission_key" value="([^"]+)"')
_STORY_PATH = re.compile(r"^/verhalen/(\d+)-[\w-]+/$")


@dataclass
class Record:
    endpoint: str
    outcome: int | str  # the status, or the name of the exception
    started: float
    ended: float


@dataclass
class Visitor:
    """One person's browser: cookies, the last CSRF token, the address nginx would put in
    X-Forwarded-For (the servers trust one proxy)."""

    ip: str
    email: str = ""
    kind: str = "reader"
    cookies: dict[str, str] = field(default_factory=dict)
    csrf_token: str = ""
    logged_in: bool = False


@dataclass
class Answer:
    status: int
    location: str
    body: str


class Connection:
    """A keep-alive http.client connection (gunicorn's sync workers close it after each
    response; http.client opens the next one), recording every request."""

    def __init__(self, port: int, clock: float, records: list[Record]):
        self.port, self.clock, self.records = port, clock, records
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(
        self,
        endpoint: str,
        visitor: Visitor,
        method: str,
        path: str,
        data: dict | None = None,
        headers: dict | None = None,
    ) -> Answer | None:
        sent = {"X-Forwarded-For": visitor.ip, "Accept-Language": "nl", **(headers or {})}
        if visitor.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in visitor.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": visitor.csrf_token, **data})
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic() - self.clock
        try:
            self.http.request(method, path, body=body, headers=sent)
            response = self.http.getresponse()
            text = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException) as error:
            self.http.close()
            self.records.append(
                Record(endpoint, type(error).__name__, started, time.monotonic() - self.clock)
            )
            return None
        self.records.append(
            Record(endpoint, response.status, started, time.monotonic() - self.clock)
        )
        if response.will_close:
            self.http.close()
        for set_cookie in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(set_cookie).items():
                visitor.cookies[name] = morsel.value
        if method == "GET" and (match := _CSRF_INPUT.search(text)):
            visitor.csrf_token = match.group(1)
        location = urllib.parse.urlsplit(response.headers.get("Location", "")).path
        return Answer(response.status, location, text)

    def close(self) -> None:
        self.http.close()


@dataclass
class Observations:
    """What the clients were told, for comparing with the database afterwards."""

    records: list[Record] = field(default_factory=list)
    # token -> ("ok", story pk) | ("refused", status) | ("broken", None)
    stories: dict[str, tuple] = field(default_factory=dict)
    replies: dict[str, tuple] = field(default_factory=dict)
    claims: dict[str, str] = field(default_factory=dict)  # email -> ok | refused | broken
    # email -> (code, "won" | "lost" | "other" | "broken")
    code_claims: dict[str, tuple[str, str]] = field(default_factory=dict)
    # (email, story pk, kind) -> given after the last answer, or None when an answer broke
    reactions: dict[tuple[str, int, str], bool | None] = field(default_factory=dict)
    kill: dict = field(default_factory=dict)
    seconds: float = 0


class Site:
    """The seeded data the clients use, shared (and extended) by all threads."""

    def __init__(self, seed: dict, port: int):
        self.port = port
        self.chapters = [c["slug"] for c in seed["chapters"]]
        self.open_chapters = [c["slug"] for c in seed["chapters"] if c["access"] == "open"]
        # Stories beneath chapters for members are for members' eyes (a 404 otherwise).
        self.stories: list[tuple[int, str]] = []
        self.open_stories: list[tuple[int, str]] = []
        self.lock = threading.Lock()
        for story in seed["stories"]:
            self.add_story(story["pk"], story["path"], story["chapter"])

    def add_story(self, pk: int, path: str, chapter: str) -> None:
        with self.lock:
            self.stories.append((pk, path))
            if chapter in self.open_chapters:
                self.open_stories.append((pk, path))

    def any_story(self, rng: random.Random, visitor: Visitor) -> tuple[int, str]:
        with self.lock:
            return rng.choice(self.stories if visitor.kind == "member" else self.open_stories)


def _visitor_ip(index: int) -> str:
    return f"10.{40 + index // 60000}.{index // 250 % 240}.{index % 250 + 1}"


class Client:
    """One thread: a connection, an anonymous reader, members of its own, and claims
    that fall due at set moments."""

    def __init__(self, index, site, clock, deadline, rng, observations, lock, tag):
        self.index, self.site, self.clock, self.deadline = index, site, clock, deadline
        self.rng, self.obs, self.obs_lock, self.tag = rng, observations, lock, tag
        self.records: list[Record] = []
        self.connection = Connection(site.port, clock, self.records)
        self.reader = Visitor(ip=_visitor_ip(50000 + index))
        self.members: list[Visitor] = []
        self.due: list[tuple[float, str, Visitor, str]] = []  # (at, what, visitor, code)
        self.sequence = 0

    def token(self) -> str:
        self.sequence += 1
        return f"{self.tag}c{self.index}n{self.sequence}"

    # -- actions --

    def read(self, visitor: Visitor) -> None:
        choice = self.rng.random()
        if choice < 0.2:
            self.connection.send("home", visitor, "GET", "/")
        elif choice < 0.5:
            chapters = self.site.chapters if visitor.kind == "member" else self.site.open_chapters
            slug = self.rng.choice(chapters)
            self.connection.send("chapter", visitor, "GET", f"/hoofdstuk/{slug}/")
        elif choice < 0.85:
            self.connection.send("story", visitor, "GET", self.site.any_story(self.rng, visitor)[1])
        elif choice < 0.95 or visitor.kind != "member":
            self.connection.send("latest", visitor, "GET", "/verhalen/")
        else:
            self.connection.send("my stories", visitor, "GET", "/verhalen/mijn/")

    def login(self, visitor: Visitor) -> None:
        self.connection.send("login form", visitor, "GET", "/accounts/login/")
        answer = self.connection.send(
            "login",
            visitor,
            "POST",
            "/accounts/login/",
            {"login": visitor.email, "password": PASSWORD},
        )
        visitor.logged_in = answer is not None and answer.status == 302

    def write_story(self, visitor: Visitor) -> None:
        slug = self.rng.choice(self.site.chapters)
        form = self.connection.send("story form", visitor, "GET", f"/verhalen/schrijven/{slug}/")
        if form is None or form.status != 200:
            return
        key = _SUBMISSION_KEY.search(form.body)
        token = self.token()
        data = {
            "title": f"Wat ik leerde {token}",
            "body": f"Het begon met *{token}*.\n\nDaarna:\n\n- luisteren\n- **vragen**\n",
            "municipality": "",
            "photo_alt": "",
            "submission_key": key.group(1) if key else str(uuid.uuid4()),
            "action": "submit",
        }
        answer = self.connection.send(
            "story post", visitor, "POST", f"/verhalen/schrijven/{slug}/", data
        )
        if answer is None:
            self.obs.stories[token] = ("broken", None)
        elif answer.status == 302 and (match := _STORY_PATH.match(answer.location)):
            pk = int(match.group(1))
            self.obs.stories[token] = ("ok", pk)
            self.site.add_story(pk, answer.location, slug)
        else:
            self.obs.stories[token] = ("refused", answer.status)

    def react(self, visitor: Visitor) -> None:
        pk, path = self.site.any_story(self.rng, visitor)
        page = self.connection.send("story", visitor, "GET", path)
        if page is None or page.status != 200:
            return
        kind = self.rng.choice(["herkenbaar", "dank"])
        answer = self.connection.send(
            "react",
            visitor,
            "POST",
            f"/verhalen/{pk}/waardering/",
            {"kind": kind},
            headers={"X-Requested-With": "fetch"},
        )
        # The answer says whether the reaction is given now: the truth until the next
        # toggle. A broken answer leaves it unknown, until the next one.
        key = (visitor.email, pk, kind)
        if answer is None:
            self.obs.reactions[key] = None
        elif answer.status == 200:
            self.obs.reactions[key] = bool(json.loads(answer.body)["given"])

    def reply(self, visitor: Visitor) -> None:
        pk, path = self.site.any_story(self.rng, visitor)
        page = self.connection.send("story", visitor, "GET", path)
        if page is None or page.status != 200:
            return
        token = self.token()
        answer = self.connection.send(
            "reply",
            visitor,
            "POST",
            f"/verhalen/{pk}/reageren/",
            {"body": f"Herkenbaar, {token}. Dank je wel."},
        )
        if answer is None:
            self.obs.replies[token] = ("broken", pk)
        elif answer.status == 302:
            self.obs.replies[token] = ("ok", pk)
        else:
            self.obs.replies[token] = ("refused", answer.status)

    def claim(self, visitor: Visitor) -> None:
        page = self.connection.send("claim form", visitor, "GET", "/exemplaar/")
        if page is None or page.status != 200:
            return  # as a person would, who never saw the button
        answer = self.connection.send("claim", visitor, "POST", "/exemplaar/", {})
        if answer is None:
            outcome = "broken"
        elif (answer.status, answer.location) == (302, "/exemplaar/welkom/"):
            outcome = "ok"
        else:
            outcome = "refused"
        with self.obs_lock:
            self.obs.claims[visitor.email] = outcome

    def claim_code(self, visitor: Visitor, code: str) -> None:
        page = self.connection.send("code page", visitor, "GET", f"/exemplaar/code/{code}/")
        if page is None or page.status != 200:
            return
        claim_code_post(self.connection, visitor, code, self.obs, self.obs_lock)

    def run(self) -> list[Record]:
        try:
            while (now := time.monotonic() - self.clock) < self.deadline:
                if self.due and self.due[0][0] <= now:
                    _at, what, visitor, code = self.due.pop(0)
                    if what == "login":
                        self.login(visitor)
                    elif what == "claim":
                        self.claim(visitor)
                    else:
                        self.claim_code(visitor, code)
                    continue
                choice = self.rng.random()
                members = [m for m in self.members if m.cookies.get("sessionid")]
                if choice < 0.35 or not members:
                    self.read(self.reader)
                    continue
                member = self.rng.choice(members)
                if choice < 0.6:
                    self.read(member)
                elif choice < 0.7:
                    self.write_story(member)
                elif choice < 0.88:
                    self.react(member)
                else:
                    self.reply(member)
        finally:
            self.connection.close()
        return self.records


def claim_code_post(connection, visitor, code, obs, lock) -> None:
    answer = connection.send("code claim", visitor, "POST", f"/exemplaar/code/{code}/", {})
    if answer is None:
        outcome = "broken"
    elif (answer.status, answer.location) == (302, "/exemplaar/welkom/"):
        outcome = "won"
    elif answer.status == 200 and ALREADY_CLAIMED in answer.body:
        outcome = "lost"
    else:
        outcome = "other"
    with lock:
        obs.code_claims[visitor.email] = (code, outcome)


def _contest(site, clock, code, holders, obs, lock, records) -> None:
    """The holders of one code open its page, then all press the button at once."""
    barrier = threading.Barrier(len(holders))
    path = f"/exemplaar/code/{code}/"

    def press(index):
        connection = Connection(site.port, clock, records)
        page = connection.send("code page", holders[index], "GET", path)
        barrier.wait(timeout=60)
        if page is not None and page.status == 200:  # else: never saw the button
            claim_code_post(connection, holders[index], code, obs, lock)
        connection.close()

    with ThreadPoolExecutor(max_workers=len(holders)) as pool:
        list(pool.map(press, range(len(holders))))


# ---- The fault ---------------------------------------------------------------------


def worker_pids(master: int) -> set[int]:
    """The master's children, from /proc."""
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            children.add(int(entry.name))
    return children


def _ports_of(pids: set[int]) -> dict[int, int]:
    """Local TCP port -> pid, for the sockets these processes hold (/proc)."""
    inodes = {}
    for pid in pids:
        try:
            descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for descriptor in descriptors:
            try:
                target = os.readlink(descriptor)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes[int(target[8:-1])] = pid
    ports = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[9]) in inodes:
                ports[int(fields[1].rsplit(":", 1)[1], 16)] = inodes[int(fields[9])]
    return ports


# A worker whose database connection is inside a transaction that writes (or locks to
# write): killing it there is the case worth testing.
_WRITING = """
    SELECT client_port, state, left(query, 100) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND xact_start IS NOT NULL
      AND (query ~* '^\\s*(INSERT|UPDATE|DELETE)' OR query ~* 'FOR UPDATE')
"""


def _worker_in_a_write(database_url: str, workers: set[int], seconds: float):
    """(pid, what its transaction was doing) for a worker caught writing within
    `seconds`, else None."""
    import psycopg

    deadline = time.monotonic() + seconds
    # Each worker keeps its database connection (DJANGO_CONN_MAX_AGE): its port is
    # looked up again only when a writer's port is unknown, so that the kill follows the
    # sighting by microseconds, before the transaction can end.
    ports = _ports_of(workers)
    with psycopg.connect(database_url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            rows = connection.execute(_WRITING).fetchall()
            for port, state, query in rows:
                if port in ports:
                    return ports[port], f"{state}: {query}"
            if rows:
                ports = _ports_of(workers)
            time.sleep(0.002)
    return None


def kill_a_worker(
    server: Server,
    workers: int,
    clock: float,
    at: float,
    obs: Observations,
    database_url: str | None = None,
):
    """At `at`, SIGKILL a worker: one caught inside a writing transaction if one is
    within 3 s (so that the kill tests atomicity), else any. Then wait for the master
    to replace it."""
    time.sleep(max(0.0, at - (time.monotonic() - clock)))
    master = server.process.pid
    before = worker_pids(master)
    caught = _worker_in_a_write(database_url, before, 3.0) if database_url else None
    victim, doing = caught or (random.Random(at).choice(sorted(before)), "")
    killed_at = time.monotonic() - clock
    os.kill(victim, signal.SIGKILL)
    obs.kill = {
        "pid": victim,
        "at": killed_at,
        "workers_before": sorted(before),
        "in_transaction": doing,
    }
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = worker_pids(master)
        fresh = now - before
        if victim not in now and len(now) == workers and fresh:
            obs.kill |= {
                "replaced_by": sorted(fresh),
                "replaced_after": round(time.monotonic() - clock - killed_at, 2),
            }
            break
        time.sleep(0.05)
    obs.kill["master_alive"] = server.process.poll() is None


# ---- Running ------------------------------------------------------------------------


def run_load(
    server: Server,
    seed: dict,
    config: Config,
    tag: str,
    workers: int | None = None,
    database_url: str | None = None,
) -> Observations:
    site = Site(seed, server.port)
    obs, lock = Observations(), threading.Lock()
    rng = random.Random(config.seed)
    clock = time.monotonic()
    clients = [
        Client(
            i, site, clock, config.seconds, random.Random(config.seed * 1000 + i), obs, lock, tag
        )
        for i in range(config.clients)
    ]
    visitors = {
        user["email"]: Visitor(
            ip=_visitor_ip(index),
            email=user["email"],
            kind=user["kind"],
            cookies={"sessionid": user["session"]} if user["session"] else {},
        )
        for index, user in enumerate(seed["users"])
    }
    by_kind = defaultdict(list)
    for user in seed["users"]:
        by_kind[user["kind"]].append(visitors[user["email"]])
    for index, member in enumerate(by_kind["member"]):
        clients[index % config.clients].members.append(member)

    # Logins (a PBKDF2 hash each: a second of a worker's time) and claims fall due
    # through the run, as people come; the kill may find one in flight.
    span = config.seconds * 0.85
    for index, member in enumerate(by_kind["member"]):
        if not member.cookies.get("sessionid"):
            at = config.seconds * 0.02 + rng.random() * config.seconds * 0.5
            clients[index % config.clients].due.append((at, "login", member, ""))
    for index, visitor in enumerate(by_kind["claimer"]):
        at = config.seconds * 0.03 + rng.random() * span
        clients[index % config.clients].due.append((at, "claim", visitor, ""))
    codes = seed["codes"]
    coders = by_kind["coder"]
    for index in range(config.solo_codes):
        at = config.seconds * 0.03 + rng.random() * span
        clients[(index * 7 + 3) % config.clients].due.append(
            (at, "code", coders[index], codes[index])
        )
    for client in clients:
        client.due.sort(key=lambda due: due[0])
    contests = []
    holders = coders[config.solo_codes :]
    for index in range(config.contested_codes):
        at = config.seconds * (index + 1) / (config.contested_codes + 1)
        group = holders[
            index * config.holders_per_contested_code : (index + 1)
            * config.holders_per_contested_code
        ]
        contests.append((at, codes[config.solo_codes + index], group))

    contest_records: list[Record] = []

    def contest(at, code, group):
        time.sleep(max(0.0, at - (time.monotonic() - clock)))
        _contest(site, clock, code, group, obs, lock, contest_records)

    background = [
        threading.Thread(target=contest, args=arguments, name=f"contest-{index}")
        for index, arguments in enumerate(contests)
    ]
    if config.kill_at is not None:
        background.append(
            threading.Thread(
                target=kill_a_worker,
                args=(
                    server,
                    workers or config.workers,
                    clock,
                    config.kill_at,
                    obs,
                    database_url,
                ),
                name="fault",
            )
        )
    for thread in background:
        thread.start()
    with ThreadPoolExecutor(max_workers=config.clients) as pool:
        results = list(pool.map(Client.run, clients))
    for thread in background:
        thread.join()
    obs.seconds = time.monotonic() - clock
    obs.records = [record for records in results for record in records] + contest_records
    return obs


# ---- Judging ------------------------------------------------------------------------


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# The endpoint of a line of gunicorn's access log: (method, path pattern, endpoint).
_ROUTES = [
    ("GET", r"/", "home"),
    ("GET", r"/hoofdstuk/[\w-]+/", "chapter"),
    ("GET", r"/verhalen/\d+-[\w-]+/", "story"),
    ("GET", r"/verhalen/", "latest"),
    ("GET", r"/verhalen/mijn/", "my stories"),
    ("GET", r"/accounts/login/", "login form"),
    ("POST", r"/accounts/login/", "login"),
    ("GET", r"/verhalen/schrijven/[\w-]+/", "story form"),
    ("POST", r"/verhalen/schrijven/[\w-]+/", "story post"),
    ("POST", r"/verhalen/\d+/waardering/", "react"),
    ("POST", r"/verhalen/\d+/reageren/", "reply"),
    ("GET", r"/exemplaar/", "claim form"),
    ("POST", r"/exemplaar/", "claim"),
    ("GET", r"/exemplaar/code/[\w-]+/", "code page"),
    ("POST", r"/exemplaar/code/[\w-]+/", "code claim"),
]


def server_durations(access_log: str) -> dict[str, list[float]]:
    """How long the workers took per endpoint (gunicorn's duration_ms): the client's
    latency minus this is the time a request waited for a free worker."""
    durations = defaultdict(list)
    routes = [(method, re.compile(pattern + "$"), name) for method, pattern, name in _ROUTES]
    for line in access_log.splitlines():
        if '"duration_ms"' not in line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        for method, pattern, name in routes:
            if entry["method"] == method and pattern.match(entry["path"]):
                durations[name].append(float(entry["duration_ms"]))
                break
    return durations


def endpoint_table(obs: Observations, served: dict[str, list[float]] | None = None) -> list[dict]:
    served = served or {}
    grouped = defaultdict(list)
    for record in obs.records:
        grouped[record.endpoint].append(record)
    rows = []
    for endpoint, records in sorted(grouped.items(), key=lambda item: -len(item[1])):
        durations = [(r.ended - r.started) * 1000 for r in records if isinstance(r.outcome, int)]
        rows.append(
            {
                "endpoint": endpoint,
                "requests": len(records),
                "per_second": len(records) / obs.seconds,
                "p50_ms": _percentile(durations, 0.5) if durations else 0,
                "p90_ms": _percentile(durations, 0.9) if durations else 0,
                "p99_ms": _percentile(durations, 0.99) if durations else 0,
                "max_ms": max(durations) if durations else 0,
                "outcomes": dict(Counter(str(r.outcome) for r in records)),
                "server_p50_ms": (
                    _percentile(served[endpoint], 0.5) if served.get(endpoint) else None
                ),
            }
        )
    return rows


@dataclass
class Verdict:
    failures: list[str]
    figures: dict

    @property
    def passed(self) -> bool:
        return not self.failures


def judge(
    obs: Observations,
    db: dict,
    seed: dict,
    config: Config,
    tag: str,
    connections_per_worker: int = 1,
    access_log: str = "",
) -> Verdict:
    failures: list[str] = []
    records = obs.records

    # -- HTTP --
    five_xx = [r for r in records if isinstance(r.outcome, int) and r.outcome >= 500]
    if five_xx:
        failures.append(f"{len(five_xx)} responses 5xx: {Counter(r.endpoint for r in five_xx)}")
    unexpected = Counter(
        (r.endpoint, r.outcome)
        for r in records
        if isinstance(r.outcome, int) and r.outcome < 500 and r.outcome not in EXPECTED[r.endpoint]
    )
    if unexpected:
        failures.append(f"unexpected statuses: {dict(unexpected)}")
    errors = [r for r in records if not isinstance(r.outcome, int)]
    killed_at = obs.kill.get("at")

    def in_flight_at_kill(record: Record) -> bool:
        """Sent before the kill, broken right after it (the client reads the reset or
        the end of the stream at once)."""
        return (
            killed_at is not None
            and record.started <= killed_at + 0.1
            and killed_at <= record.ended <= killed_at + 5
        )

    kill_errors = [r for r in errors if in_flight_at_kill(r)]
    other_errors = [r for r in errors if not in_flight_at_kill(r)]
    if other_errors:
        failures.append(
            f"{len(other_errors)} requests failed without a fault to explain them: "
            f"{Counter((r.endpoint, r.outcome) for r in other_errors)}"
        )
    if len(kill_errors) > connections_per_worker:
        failures.append(
            f"{len(kill_errors)} requests broke at the kill; the killed worker held at most "
            f"{connections_per_worker}"
        )
    if config.kill_at is not None:
        if not obs.kill.get("replaced_by"):
            failures.append(f"no new worker replaced the killed one: {obs.kill}")
        if not obs.kill.get("master_alive"):
            failures.append("the gunicorn master died")
    broken_writes = sum(1 for r in kill_errors if r.endpoint in WRITES)

    # -- Stories --
    rows_by_token = defaultdict(list)
    token_pattern = re.compile(re.escape(tag) + r"c\d+n\d+")
    for story in db["stories"]:
        match = token_pattern.search(story["title"])
        rows_by_token[match.group(0) if match else story["title"]].append(story)
    for token, (outcome, detail) in obs.stories.items():
        rows = rows_by_token.get(token, [])
        if outcome == "ok" and [row["pk"] for row in rows] != [detail]:
            failures.append(f"story {token}: told it is story {detail}, found {rows}")
        if outcome == "refused" and rows:
            failures.append(f"story {token}: refused ({detail}) yet stored: {rows}")
        if outcome == "broken" and len(rows) > 1:
            failures.append(f"story {token}: broken POST stored {len(rows)} times")
    unknown = set(rows_by_token) - set(obs.stories)
    if unknown:
        failures.append(f"{len(unknown)} stories nobody posted: {sorted(unknown)[:5]}")
    for story in db["stories"]:
        member = story["author"]
        if not (
            story["rendered"]
            and story["author"]
            and story["status"] == "published"
            and story["published"]
            and member.startswith(USER_PREFIX)
        ):
            failures.append(f"incomplete or inconsistent story: {story}")
    if db["incomplete_stories"]:
        failures.append(f"{db['incomplete_stories']} stories without a title, HTML or status")
    made = sum(1 for outcome, _ in obs.stories.values() if outcome == "ok")
    broken_stored = sum(
        1
        for token, (outcome, _) in obs.stories.items()
        if outcome == "broken" and token in rows_by_token
    )
    if db["story_count"] != seed["story_count"] + made + broken_stored:
        failures.append(
            f"{db['story_count']} stories in the database; expected {seed['story_count']} "
            f"seeded + {made} posted + {broken_stored} from broken POSTs"
        )

    # -- Replies --
    replies_by_token = defaultdict(list)
    for reply in db["replies"]:
        match = token_pattern.search(reply["body"])
        replies_by_token[match.group(0) if match else reply["body"]].append(reply)
        if not (reply["rendered"] and reply["author"]):
            failures.append(f"incomplete reply: {reply}")
    for token, (outcome, detail) in obs.replies.items():
        rows = replies_by_token.get(token, [])
        if outcome == "ok" and len(rows) != 1:
            failures.append(f"reply {token}: told it was made, found {len(rows)}")
        if outcome == "refused" and rows:
            failures.append(f"reply {token}: refused ({detail}) yet stored")
        if outcome == "broken" and len(rows) > 1:
            failures.append(f"reply {token}: broken POST stored {len(rows)} times")
    if unknown := set(replies_by_token) - set(obs.replies):
        failures.append(f"{len(unknown)} replies nobody posted: {sorted(unknown)[:5]}")

    # Trusted members are never refused a story or a reply, nor a claimant a copy.
    refused = Counter(
        what
        for what, outcomes in (
            ("story", [o for o, _ in obs.stories.values()]),
            ("reply", [o for o, _ in obs.replies.values()]),
            ("claim", list(obs.claims.values())),
        )
        for outcome in outcomes
        if outcome == "refused"
    )
    if refused:
        failures.append(f"writes refused: {dict(refused)}")

    # -- Memberships and codes --
    memberships = db["memberships"]
    numbers = [m["number"] for m in memberships]
    if numbers != list(range(1, len(numbers) + 1)):
        missing = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
        failures.append(f"membership numbers not 1..{len(numbers)}: missing {missing[:10]}")
    if db["counter"] != len(numbers):
        failures.append(f"the counter says {db['counter']}, {len(numbers)} memberships exist")
    emails = [m["email"] for m in memberships if m["email"]]
    if len(emails) != len(set(emails)):
        failures.append("a user holds two memberships")
    held = {m["email"]: m for m in memberships}
    for email, outcome in obs.claims.items():
        if outcome == "ok" and held.get(email, {}).get("how") != "digital":
            failures.append(f"{email} was welcomed, holds {held.get(email)}")
    for email, (code, outcome) in obs.code_claims.items():
        normalised = code.replace("-", "")
        if outcome == "won" and held.get(email, {}).get("code") != normalised:
            failures.append(f"{email} won {code}, holds {held.get(email)}")
        if outcome == "other":
            failures.append(f"{email} claiming {code}: neither welcomed nor told it was taken")
    claimants = {e for e, o in obs.claims.items() if o in {"ok", "broken"}} | {
        e for e, (_c, o) in obs.code_claims.items() if o in {"won", "broken"}
    }
    seeded_members = {u["email"] for u in seed["users"] if u["kind"] == "member"}
    for email, membership in held.items():
        if email.startswith(USER_PREFIX) and email not in seeded_members | claimants:
            failures.append(f"{email} became member no. {membership['number']} unannounced")
    won = Counter(code for code, outcome in obs.code_claims.values() if outcome == "won")
    for code in db["codes"]:
        holders = [m for m in memberships if m["code"] == code["display"].replace("-", "")]
        if won[code["display"]] > 1:
            failures.append(f"code {code['display']}: {won[code['display']]} clients told they won")
        if len(holders) > 1 or (code["status"] == "redeemed") != bool(holders):
            failures.append(f"code {code['display']}: status {code['status']}, holders {holders}")
        # Claimed, and no answer broken: one holder must have been welcomed.
        told = [o for c, o in obs.code_claims.values() if c == code["display"]]
        if told and "broken" not in told and won[code["display"]] != 1:
            failures.append(f"code {code['display']}: {told}, yet nobody won")
    redeemed = sum(1 for code in db["codes"] if code["status"] == "redeemed")

    # -- Reactions --
    if db["reaction_duplicates"]:
        failures.append(f"{db['reaction_duplicates']} reactions given twice")
    stored = {tuple(row) for row in db["reactions"]}
    wrong = [
        (key, given)
        for key, given in obs.reactions.items()
        if given is not None and (key in stored) != given
    ]
    if wrong:
        failures.append(f"{len(wrong)} reactions differ from the last answer: {wrong[:5]}")

    answered = Counter(int(r.ended) for r in records if isinstance(r.outcome, int))
    figures = {
        "seconds": round(obs.seconds, 1),
        "clients": config.clients,
        "workers": config.workers,
        "requests": len(records),
        "per_second": round(len(records) / obs.seconds, 1),
        "5xx": len(five_xx),
        "errors_at_kill": len(kill_errors),
        "errors_at_kill_detail": [
            {"endpoint": r.endpoint, "error": r.outcome, "at": round(r.started, 2)}
            for r in kill_errors
        ],
        "writes_broken_at_kill": broken_writes,
        "other_errors": len(other_errors),
        "kill": obs.kill,
        "stories_posted": made,
        "replies_posted": sum(1 for o, _ in obs.replies.values() if o == "ok"),
        "reactions_toggled": sum(1 for r in records if r.endpoint == "react"),
        "digital_claims": sum(1 for o in obs.claims.values() if o == "ok"),
        "codes_redeemed": redeemed,
        "code_claims_lost": sum(1 for _c, o in obs.code_claims.values() if o == "lost"),
        "memberships": len(memberships),
        "endpoints": endpoint_table(obs, server_durations(access_log)),
        "broken_writes_committed": {
            "stories": broken_stored,
            "replies": sum(
                1
                for token, (outcome, _) in obs.replies.items()
                if outcome == "broken" and token in replies_by_token
            ),
        },
        # Answers per second of the load: the dip the kill makes, or does not.
        "timeline": [answered.get(second, 0) for second in range(int(obs.seconds) + 1)],
    }
    return Verdict(failures, figures)


def report(verdict: Verdict) -> str:
    f = verdict.figures
    lines = [
        f"{f['requests']} requests in {f['seconds']} s ({f['per_second']} req/s), "
        f"{f['clients']} clients, {f['workers']} gunicorn workers",
        "",
        f"{'endpoint':<12} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p90 ms':>7} "
        f"{'p99 ms':>7} {'max ms':>7} {'served':>7}  outcomes",
    ]
    for row in f["endpoints"]:
        outcomes = " ".join(f"{k}:{v}" for k, v in sorted(row["outcomes"].items()))
        served = "" if row["server_p50_ms"] is None else f"{row['server_p50_ms']:.0f}"
        lines.append(
            f"{row['endpoint']:<12} {row['requests']:>8} {row['per_second']:>7.1f} "
            f"{row['p50_ms']:>7.0f} {row['p90_ms']:>7.0f} {row['p99_ms']:>7.0f} "
            f"{row['max_ms']:>7.0f} {served:>7}  {outcomes}"
        )
    kill = f["kill"]
    lines += [
        "",
        f"5xx: {f['5xx']}   connection errors: {f['errors_at_kill']} at the kill, "
        f"{f['other_errors']} otherwise",
    ]
    if kill:
        lines.append(
            f"killed worker {kill.get('pid')} at {kill.get('at', 0):.1f} s "
            f"({kill.get('in_transaction') or 'not caught in a transaction'}); replaced by "
            f"{kill.get('replaced_by')} after {kill.get('replaced_after')} s; broken there: "
            f"{f['errors_at_kill_detail'] or 'nothing'}; of those writes, committed "
            f"before the kill: {f['broken_writes_committed']}"
        )
    lines.append(
        f"stories {f['stories_posted']}, replies {f['replies_posted']}, reaction toggles "
        f"{f['reactions_toggled']}, digital claims {f['digital_claims']}, codes redeemed "
        f"{f['codes_redeemed']} (claims told 'already claimed': {f['code_claims_lost']}), "
        f"memberships {f['memberships']}"
    )
    lines.append(
        "latencies as the clients saw them; served: p50 of the worker's own time (gunicorn's "
        "access log), the rest is waiting for a free worker"
    )
    lines.append(f"answers per second: {' '.join(str(n) for n in f['timeline'])}")
    if "preparation_s" in f:
        lines.append(
            f"preparation (s): {f['preparation_s']}; load average "
            f"{' '.join(f'{n:.1f}' for n in f['load_average'])}"
        )
    lines.append("")
    lines += [f"  - {failure}" for failure in verdict.failures]
    lines.append("LOAD: PASS" if verdict.passed else "LOAD: FAIL")
    return "\n".join(lines)


def _with_path(url: str, path: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=path))


def run(
    config: Config,
    *,
    admin_url: str,
    redis_url: str,
    database: str,
    folder: Path,
    static_root: Path | None = None,
    keep_database: bool = False,
    log=print,
) -> Verdict:
    """Make the site, load it, judge it; returns the verdict (report() prints it)."""
    import psycopg
    import redis

    tag = f"LT{uuid.uuid4().hex[:6]}"
    database_url = _with_path(admin_url, f"/{database}")
    shared_redis = redis.Redis.from_url(redis_url)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {database}")
    shared_redis.flushdb()
    env = production_env(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DJANGO_STATIC_ROOT=str(static_root or folder / "static"),
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        # As behind deploy/nginx.conf: each client's address comes in X-Forwarded-For.
        DJANGO_TRUSTED_PROXY_COUNT="1",
    )
    server = None
    timings: dict[str, float] = {}
    try:
        started = time.monotonic()
        if static_root is None:
            manage("collectstatic", "--noinput", "-v", "0", env=env)
            timings["collectstatic"] = time.monotonic() - started
        spec = {
            "tag": tag,
            "password": PASSWORD,
            "members": config.members,
            "claimers": config.claimers,
            "coders": config.coders,
            "login_by_form": config.login_by_form,
            "solo_codes": config.solo_codes,
            "contested_codes": config.contested_codes,
        }
        seed = _django_call("seed", spec, env)
        timings |= seed["timings"]
        timings["django start"] = time.monotonic() - started - sum(timings.values())
        log(
            f"site ready in {time.monotonic() - started:.1f} s: {len(seed['users'])} users, "
            f"{len(seed['stories'])} published stories, {len(seed['codes'])} printed codes"
        )
        server = start_gunicorn(env=env, log=folder / "gunicorn.log", workers=config.workers)
        wait_healthy(server)
        timings["start"] = time.monotonic() - started - sum(timings.values())
        kill = f", a worker killed at {config.kill_at:g} s" if config.kill_at is not None else ""
        log(f"load: {config.seconds:g} s, {config.clients} clients{kill} ...")
        obs = run_load(server, seed, config, tag, database_url=database_url)
        server.stop()
        db = _django_call("inspect", {"tag": tag, "batch": seed["batch"]}, env)
        threads = int(env.get("GUNICORN_THREADS", "1"))
        verdict = judge(
            obs,
            db,
            seed,
            config,
            tag,
            connections_per_worker=threads,
            access_log=server.log_text(),
        )
        server_errors = [
            line
            for line in server.log_text().splitlines()
            if "Traceback" in line or "ERROR" in line
        ]
        verdict.figures["server_log_errors"] = server_errors[:20]
        verdict.figures["preparation_s"] = {k: round(v, 1) for k, v in timings.items()}
        verdict.figures["load_average"] = os.getloadavg()
        if any(r.outcome == 500 for r in obs.records if isinstance(r.outcome, int)):
            verdict.failures.append("server log:\n" + server.log_text()[-4000:])
        return verdict
    finally:
        if server is not None:
            server.stop()
        if not keep_database:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        shared_redis.flushdb()
        shared_redis.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=60, help="length of the load (60)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument(
        "--kill-worker",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="SIGKILL one gunicorn worker during the load (default: on)",
    )
    parser.add_argument(
        "--kill-at", type=float, help="seconds into the load to kill it (default: halfway)"
    )
    parser.add_argument("--members", type=int, default=100, help="members with a story (100)")
    parser.add_argument("--claimers", type=int, default=60, help="digital claims (60)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (7)")
    parser.add_argument(
        "--services",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run .ci/services.sh first (default: on)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "")
        if os.environ.get("DATABASE_URL", "").startswith("postgres")
        else DEFAULT_PG_ADMIN_URL,
        help="a PostgreSQL role that may create databases (DATABASE_URL, or the CI one)",
    )
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help=DEFAULT_REDIS_URL)
    parser.add_argument("--database", default="community_load", help="made and dropped")
    parser.add_argument("--keep-database", action="store_true", help="leave it for a look")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--internal", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.internal:
        what, spec = args.internal
        action = {"seed": _django_seed, "inspect": _django_inspect}[what]
        print(json.dumps(action(json.loads(spec))))
        return 0

    if args.services:
        subprocess.run(["bash", ".ci/services.sh"], cwd=ROOT, check=True)
    config = Config(
        seconds=args.seconds,
        clients=args.clients,
        workers=args.workers,
        kill_at=(args.kill_at if args.kill_at is not None else args.seconds / 2)
        if args.kill_worker
        else None,
        members=args.members,
        claimers=args.claimers,
        seed=args.seed,
    )
    with tempfile.TemporaryDirectory(prefix="load-faults-") as folder:
        verdict = run(
            config,
            admin_url=args.database_url,
            redis_url=args.redis_url,
            database=args.database,
            folder=Path(folder),
            keep_database=args.keep_database,
        )
    print(report(verdict))
    if args.json:
        args.json.write_text(json.dumps(verdict.figures, indent=2, default=str))
    return 0 if verdict.passed else 1


if __name__ == "__main__":
    sys.exit(main())
