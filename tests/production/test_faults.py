"""A worker killed under load loses nothing: the short version of `make load`
(bench/load_faults.py, which says what is checked and why). Eight seconds of mixed
traffic (reading, writing stories, reactions, replies, digital claims, contested printed
codes) on gunicorn with the production settings, one worker sent SIGKILL at three
seconds; then the database rows are compared with what every client was told. Runs in
`make test-postgres` (DATABASE_URL on PostgreSQL and REDIS_URL set), like the scale-out
test."""

import urllib.parse

from django.conf import settings

from bench.load_faults import Config, report, run

from .shared_services import DATABASE_URL, REDIS_URL, SHARED_SERVICES, shared_services_marks

pytestmark = shared_services_marks("gunicorn under load needs PostgreSQL and Redis")

CONFIG = Config(
    seconds=8,
    kill_at=3,
    clients=12,
    workers=3,
    members=24,
    login_by_form=1,
    claimers=16,
    solo_codes=3,
    contested_codes=3,
    holders_per_contested_code=3,
)


def _redis_database(url: str) -> str:
    """A Redis database of its own (the scale-out test takes 14 or 13)."""
    number = 11 if urllib.parse.urlsplit(url).path.strip("/") != "11" else 10
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{number}"))


def test_killing_a_worker_under_load_breaks_at_most_its_own_request(tmp_path, collected_static):
    assert SHARED_SERVICES, (
        "SCALEOUT_REQUIRED=1, but DATABASE_URL (PostgreSQL) or REDIS_URL is unset"
    )
    verdict = run(
        CONFIG,
        admin_url=DATABASE_URL,
        redis_url=_redis_database(REDIS_URL),
        database="community_faults",
        folder=tmp_path,
        # Collected once for the whole test run by tests/conftest.py.
        static_root=settings.STATIC_ROOT,
    )
    summary = report(verdict)
    print(f"\n{summary}")
    assert verdict.passed, summary

    figures = verdict.figures
    assert figures["kill"]["replaced_by"], summary
    assert figures["errors_at_kill"] <= 1, summary
    # The load did what it says: every kind of request was made and answered.
    answered = {row["endpoint"] for row in figures["endpoints"]}
    assert {"story post", "react", "reply", "claim", "code claim", "login"} <= answered, summary
    # A contested code went to one holder, and the others were told.
    assert figures["codes_redeemed"] >= 1 and figures["code_claims_lost"] >= 1, summary
