import os
import subprocess
import tempfile
from functools import partial
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.signals import setting_changed
from django.utils import translation

from book.models import Access
from core.roles import curators_group_sync

from .caching import clear_caches
from .factories import BookFactory, ChapterFactory, MembershipFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests run on a file, not in memory: the claim races in
    tests/members/test_concurrency.py need SQLite's real file locking (IMMEDIATE transactions
    wait for each other); threads on a shared-cache memory database fail with "database
    table is locked" instead of waiting."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("database") / "test.sqlite3"
        )


@pytest.fixture(scope="session", autouse=True)
def compiled_messages():
    """The .mo catalogues are not committed: a bare `pytest` on a fresh clone compiles
    each one that is missing or older than its .po, next to it, as `make messages` does.
    Each is written to a temporary file and moved into place, so a reader never sees half
    a catalogue."""
    project = Path(settings.BASE_DIR)
    locale_dirs = [Path(path) for path in settings.LOCALE_PATHS] + [
        Path(app.path) / "locale"
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(project) and ".venv" not in Path(app.path).parts
    ]
    compiled = False
    for locale_dir in locale_dirs:
        for po in locale_dir.glob("*/LC_MESSAGES/*.po"):
            mo = po.with_suffix(".mo")
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            handle, partial = tempfile.mkstemp(dir=po.parent, suffix=".mo.part")
            os.close(handle)
            subprocess.run(["msgfmt", "--check-format", "-o", partial, po], check=True)
            os.chmod(partial, 0o644)
            os.replace(partial, mo)
            compiled = True
    if compiled:
        # Anything translated before this point (at collection) found no catalogue:
        # Django forgets the loaded ones when told that LOCALE_PATHS changed.
        setting_changed.send(
            sender=None, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False
        )


@pytest.fixture(scope="session", autouse=True)
def collected_static(django_test_environment, compiled_messages):
    """Pages link their CSS through the hashed-name manifest, as in production."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def default_language():
    """A request under /en/ leaves English active in the test's thread, and reverse() would
    then build /en/ URLs for the next test: every test starts in Dutch."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limits and sessions live in the cache (Redis in the PostgreSQL pass): every
    test starts from empty ones (the long-tail cache too, core.cache)."""
    clear_caches()
    yield
    clear_caches()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def member(db):
    return MembershipFactory().user


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def curator(db):
    """A curator moderates stories: a staff account (with a copy of the book) in the
    Curators group, not a superuser. The group is synced here because transactional
    (browser) tests flush the one the data migration made."""
    user = MembershipFactory(user=UserFactory(is_staff=True)).user
    user.groups.add(curators_group_sync())
    return user


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """E-mails are queued when the transaction commits: `with commit():` runs them."""
    return partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def book(db):
    return BookFactory()


@pytest.fixture
def chapters(book):
    """Four published chapters, the first two open, and one unpublished draft."""
    made = [
        ChapterFactory(book=book, number=n, access=Access.OPEN if n <= 2 else Access.MEMBERS)
        for n in range(1, 5)
    ]
    ChapterFactory(book=book, number=5, is_published=False, title="Nog niet klaar")
    return made


@pytest.fixture
def open_chapter(chapters):
    """The first of `chapters`: published and open to everyone."""
    return chapters[0]


@pytest.fixture
def members_chapter(chapters):
    """The third of `chapters`: published, its text for members only."""
    assert chapters[2].access == Access.MEMBERS
    return chapters[2]


@pytest.fixture
def session_queries(settings) -> int:
    """Queries a signed-in request spends reading its session: one with the sessions in
    the database (the default), none with them in Redis (the PostgreSQL + Redis pass)."""
    return 0 if settings.SESSION_ENGINE.endswith(".cache") else 1


@pytest.fixture
def municipalities(request):
    """The municipalities a migration loads. The browser tests empty the database
    after each of theirs (transactional tests), taking that data along, so a test that
    runs after them finds it put back (in its own transaction, rolled back after it)."""
    from organisations.models import Organisation
    from organisations.municipalities import data_file_rows, municipalities_update

    if request.node.get_closest_marker("django_db") is None:
        return
    if "transactional_db" not in request.fixturenames:
        request.getfixturevalue("db")
    if not Organisation.objects.municipalities().exists():
        municipalities_update(rows=data_file_rows())
