"""Two app servers, one PostgreSQL, one Redis: what a member sees must not depend on which
server answers. Two gunicorns with the production settings on loopback ports share a
database made for this test and a Redis database of their own; requests alternate
between them. Runs in `make test-postgres` (DATABASE_URL on PostgreSQL and REDIS_URL set).

One server keeps a persistent connection per worker (DJANGO_CONN_MAX_AGE), the other a
psycopg pool (DJANGO_DB_POOL=true): both ways of reusing connections are under load."""

import json
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg
import pytest
import redis
from django.conf import settings
from django.urls import reverse

from members.codes import generate_code, normalise_code
from members.models import CodeStatus
from members.ratelimit import CODE_FAILURES

from .servers import ROOT, Server, Visitor, manage, production_env, start_gunicorn, wait_healthy
from .shared_services import DATABASE_URL, REDIS_URL, SHARED_SERVICES, shared_services_marks

pytestmark = shared_services_marks("two app servers need a shared PostgreSQL and Redis")

DATABASE = "community_scaleout"
CLAIMERS = 40
LOGIN_BY_FORM = 4  # of the claimers; the others get their sessions straight into Redis
RACERS = 20
PASSWORD = "schaal-test-wachtwoord-7"
TIMINGS: dict[str, float] = {}


def _with_path(url: str, path: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=path))


@dataclass
class Site:
    servers: list[Server]
    users: list[dict]
    code: str
    database_url: str

    def port(self, index: int) -> int:
        return self.servers[index % len(self.servers)].port

    def query(self, sql: str, params=()) -> list[tuple]:
        with psycopg.connect(self.database_url) as connection:
            return connection.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def site(tmp_path_factory, collected_static):
    assert SHARED_SERVICES, (
        "SCALEOUT_REQUIRED=1, but DATABASE_URL (PostgreSQL) or REDIS_URL is unset"
    )
    folder = tmp_path_factory.mktemp("scaleout")
    database_url = _with_path(DATABASE_URL, f"/{DATABASE}")
    redis_db = 14 if urllib.parse.urlsplit(REDIS_URL).path.strip("/") != "14" else 13
    redis_url = _with_path(REDIS_URL, f"/{redis_db}")
    shared_redis = redis.Redis.from_url(redis_url)

    with psycopg.connect(DATABASE_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    shared_redis.flushdb()

    env = production_env(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        # Collected once for the whole test run by tests/conftest.py.
        DJANGO_STATIC_ROOT=str(settings.STATIC_ROOT),
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        # As behind deploy/nginx.conf: the client's address comes in X-Forwarded-For.
        DJANGO_TRUSTED_PROXY_COUNT="1",
    )
    started = time.monotonic()
    manage("migrate", "--noinput", env=env)
    TIMINGS["migrate"] = time.monotonic() - started
    spec = {"users": CLAIMERS + RACERS, "login_by_form": LOGIN_BY_FORM, "password": PASSWORD}
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.production.scaleout_seed", json.dumps(spec)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert seeded.returncode == 0, seeded.stderr
    seed = json.loads(seeded.stdout.strip().splitlines()[-1])

    servers = [
        start_gunicorn(env=env | {"DJANGO_CONN_MAX_AGE": "60"}, log=folder / "a.log", workers=3),
        start_gunicorn(env=env | {"DJANGO_DB_POOL": "true"}, log=folder / "b.log", workers=3),
    ]
    try:
        started = time.monotonic()
        for server in servers:
            wait_healthy(server)
        TIMINGS["start"] = time.monotonic() - started
        yield Site(servers, seed["users"], seed["code"], database_url)
    finally:
        for server in servers:
            server.stop()
        print(
            f"\nscale-out timings (s): {json.dumps({k: round(v, 2) for k, v in TIMINGS.items()})}"
        )
        with psycopg.connect(DATABASE_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        shared_redis.flushdb()
        shared_redis.close()


def _visitor(index: int) -> Visitor:
    return Visitor(ip=f"10.20.{index // 200}.{index % 200 + 1}")


def _race(action, count: int) -> list:
    """`action(i)` for i in range(count), each in its own thread, released together."""
    barrier = threading.Barrier(count)

    def run(index):
        barrier.wait(timeout=60)
        return action(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_digital_claims_spread_over_two_servers_get_numbers_1_to_n(site):
    login, claim, welcome = (
        reverse("account_login"),
        reverse("members:claim"),
        reverse("members:welcome"),
    )
    claimers = site.users[:CLAIMERS]
    visitors = [_visitor(i) for i in range(CLAIMERS)]

    def sign_in(index):
        visitor, user = visitors[index], claimers[index]
        if user["session"]:
            visitor.cookies["sessionid"] = user["session"]
        else:
            # allauth's login form, on one server; the claim goes to the other one.
            visitor.get(site.port(index), login)
            reply = visitor.post(
                site.port(index), login, {"login": user["email"], "password": PASSWORD}
            )
            assert reply.status == 302, reply.body[:2000]
        page = visitor.get(site.port(index), claim)
        assert page.status == 200 and visitor.csrf_token

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(sign_in, range(CLAIMERS)))
    TIMINGS["sign_in"] = time.monotonic() - started

    started = time.monotonic()
    replies = _race(lambda i: visitors[i].post(site.port(i + 1), claim), CLAIMERS)
    TIMINGS[f"{CLAIMERS}_claims"] = time.monotonic() - started

    assert [(reply.status, reply.location) for reply in replies] == [(302, welcome)] * CLAIMERS
    rows = site.query(
        "SELECT u.email, m.number FROM members_membership m "
        "JOIN auth_user u ON u.id = m.user_id ORDER BY m.number"
    )
    assert [number for _email, number in rows] == list(range(1, CLAIMERS + 1))
    assert {email for email, _number in rows} == {user["email"] for user in claimers}


def test_one_printed_code_raced_on_two_servers_makes_exactly_one_member(site):
    url = reverse("members:code_claim", kwargs={"code": site.code})
    racers = site.users[CLAIMERS : CLAIMERS + RACERS]
    visitors = [_visitor(1000 + i) for i in range(RACERS)]
    for index, (visitor, user) in enumerate(zip(visitors, racers, strict=True)):
        visitor.cookies["sessionid"] = user["session"]
        page = visitor.get(site.port(index), url)
        assert page.status == 200 and site.code in page.body

    started = time.monotonic()
    replies = _race(lambda i: visitors[i].post(site.port(i + 1), url), RACERS)
    TIMINGS[f"{RACERS}_redemptions"] = time.monotonic() - started

    welcome = reverse("members:welcome")
    winners = [reply for reply in replies if (reply.status, reply.location) == (302, welcome)]
    told = [r for r in replies if r.status == 200 and "Dit exemplaar is al geclaimd." in r.body]
    assert len(winners) == 1, [(reply.status, reply.location) for reply in replies]
    assert len(told) == RACERS - 1
    assert site.query(
        "SELECT c.status, count(m.id) FROM members_claimcode c "
        "LEFT JOIN members_membership m ON m.code_id = c.id WHERE c.code = %s GROUP BY c.status",
        (normalise_code(site.code),),
    ) == [(CodeStatus.REDEEMED.value, 1)]


def test_failed_code_attempts_count_across_both_servers(site):
    url = reverse("members:code_enter")
    visitor = _visitor(2000)
    visitor.get(site.port(0), url)

    for attempt in range(CODE_FAILURES.attempts):
        reply = visitor.post(site.port(attempt), url, {"code": generate_code()})
        assert reply.status == 200, attempt
        assert "Deze code kennen we niet." in reply.body

    # Each server saw half the failures; together they reached the limit, on both.
    for index in range(2):
        reply = visitor.post(site.port(index), url, {"code": generate_code()})
        assert reply.status == 429
        assert "Te veel pogingen" in reply.body
    someone_else = _visitor(2001)
    someone_else.get(site.port(1), url)
    assert someone_else.post(site.port(1), url, {"code": generate_code()}).status == 200
