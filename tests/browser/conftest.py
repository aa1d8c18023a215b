"""Browser journeys: the live server in a real Chromium (Debian's, never a downloaded one).

Run only these with `pytest -m browser`, or leave them out with `-m "not browser"`.
"""

import io
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from book.models import Chapter
from tests.browser.accounts import verified_account

# Playwright's sync API runs an event loop in the test thread; Django then refuses ORM
# calls from that thread (SynchronousOnlyOperation). Only the tests make such calls, and
# they do so one at a time, so the guard protects nothing here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
# `make screenshots` refreshes the README's pictures; an ordinary run writes them where git
# does not look, so a test run leaves the work tree as it was.
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1"
    else ROOT / "test-results" / "screenshots"
)
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "mobile": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


def pytest_generate_tests(metafunc):
    """A test that asks for `viewport` runs once per viewport, its `page` sized to match."""
    if "viewport" in metafunc.fixturenames:
        metafunc.parametrize(
            "viewport",
            [
                pytest.param(name, marks=pytest.mark.browser_context_args(**args), id=name)
                for name, args in VIEWPORTS.items()
            ],
        )


def pytest_collection_modifyitems(config, items):
    browser_dir = Path(__file__).parent
    for item in items:
        if browser_dir in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, minus its static files handler: that handler looks
    files up through the finders, which know `base.css` but not the hashed `base.1a2b.css`
    the manifest storage links to, so every stylesheet was a 404. WhiteNoise's middleware
    serves them instead, from STATIC_ROOT, as in production."""
    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages open with relative URLs: `page.goto("/")` is the live server's home."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, **VIEWPORTS["desktop"], "locale": "nl-NL"}


@pytest.fixture
def demo_book(live_server):
    """The demo book in the live server's database, loaded for every test because the
    transactional database is flushed after each one. Returns its chapters in order."""
    call_command("load_demo", stdout=io.StringIO())
    return list(Chapter.objects.published().in_order())


@pytest.fixture
def curator_account(live_server):
    """A curator who logs in through the real login form (`accounts.log_in`)."""
    return verified_account("redactie.journey@example.org", curator=True)


@pytest.fixture
def axe_check():
    axe = Axe()

    def check(page):
        results = axe.run(page)
        violations = results.response["violations"]
        report = "\n".join(
            f"{violation['id']} ({violation['impact']}): "
            + ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
            for violation in violations
        )
        assert not violations, f"axe found violations on {page.url}:\n{report}"

    return check


@pytest.fixture
def screenshot():
    def save(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # The first screen, as a visitor sees it: small enough for the README tour.
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=False)

    return save
