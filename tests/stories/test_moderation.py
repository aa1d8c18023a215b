"""The curators' moderation queue and the audit log: every decision through the queue
and what it writes in the log, bulk decisions, who may open the pages, and that
nothing a member wrote can run on a curator's screen."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from core.roles import CURATORS_GROUP, curators_group_sync
from stories import moderation, reports, writing
from stories.models import (
    ModerationAction,
    ModerationKind,
    Reply,
    Report,
    Status,
    Story,
    StoryRevision,
)
from tests.book.test_markdown import XSS_PAYLOADS
from tests.factories import MembershipFactory, ReplyFactory, StoryFactory, UserFactory
from tests.inert import assert_inert
from tests.markup import hrefs, inner_html, one, select, texts

pytestmark = pytest.mark.django_db

QUEUE = "stories:moderation_queue"
DECIDE = "stories:moderation_decide"
BULK = "stories:moderation_bulk"
LOG = "stories:moderation_log"


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


def _report(item, count=1, reason="Dit klopt niet"):
    """`count` reports from different members on a story or a reply (through the
    service: three of them hide the item, as on the site)."""
    key = "story" if isinstance(item, Story) else "reply"
    for _n in range(count):
        reports.report_create(
            reporter=MembershipFactory(established=True), reason=reason, **{key: item}
        )
    item.refresh_from_db()
    return item


def _decide(client, item, action, reason="", follow=False, **extra):
    kind = "story" if isinstance(item, Story) else "reply"
    return client.post(
        reverse(DECIDE),
        {"target": f"{kind}:{item.pk}", "action": action, "reason": reason, **extra},
        follow=follow,
    )


def _entries(item):
    field = "story" if isinstance(item, Story) else "reply"
    return ModerationAction.objects.filter(**{field: item})


# ---- The queue shows what waits ---------------------------------------------------


def test_queue_lists_pending_reported_and_auto_hidden_items_oldest_first(
    curator_client, open_chapter
):
    pending = StoryFactory(chapter=open_chapter, status=Status.PENDING, title="Wacht nog")
    reported = _report(StoryFactory(chapter=open_chapter, title="Eén keer gemeld"))
    auto_hidden = _report(StoryFactory(chapter=open_chapter, title="Drie keer gemeld"), 3)
    reply = _report(ReplyFactory(story=StoryFactory(chapter=open_chapter, title="Met reactie")))
    StoryFactory(chapter=open_chapter, title="Gewoon gepubliceerd")
    StoryFactory(chapter=open_chapter, status=Status.DRAFT, title="Een concept")
    assert auto_hidden.status == Status.HIDDEN

    html = curator_client.get(reverse(QUEUE)).content.decode()

    titles = ["Wacht nog", "Eén keer gemeld", "Drie keer gemeld", "Reactie op “Met reactie”"]
    positions = [html.index(escape(title)) for title in titles]
    assert positions == sorted(positions)
    assert "Gewoon gepubliceerd" not in html and "Een concept" not in html
    assert "Gemeld door 3 leden" in html and "Dit klopt niet" in html
    assert "verborgen na meldingen" in html
    assert f"story:{pending.pk}" in html and f"reply:{reply.pk}" in html
    assert reported.chapter.title in html
    assert escape(str(pending.author)) in html


def test_queue_shows_the_authors_display_name_and_member_number(curator_client, open_chapter):
    from tests.factories import ProfileFactory

    author = MembershipFactory(number=4321)
    ProfileFactory(membership=author, display_name="Anna de Vries")
    StoryFactory(chapter=open_chapter, author=author, status=Status.PENDING)
    html = curator_client.get(reverse(QUEUE)).content.decode()
    assert "Anna de Vries (Lid nr. 4321)" in html


def test_queue_is_empty_when_nothing_waits(curator_client, open_chapter):
    StoryFactory(chapter=open_chapter)
    response = curator_client.get(reverse(QUEUE))
    assert "Er wacht niets op een curator." in response.content.decode()


def test_queue_pages_by_25(curator_client, open_chapter):
    StoryFactory.create_batch(27, chapter=open_chapter, status=Status.PENDING)
    first = curator_client.get(reverse(QUEUE)).content.decode()
    second = curator_client.get(reverse(QUEUE), {"pagina": 2}).content.decode()
    assert first.count('class="moderation-item"') == 25
    assert second.count('class="moderation-item"') == 2
    assert "Pagina 2 van 2" in second


def test_queue_query_count_does_not_grow_with_the_items(
    curator_client, open_chapter, django_assert_max_num_queries
):
    def add(stories, reported, replies, edited):
        StoryFactory.create_batch(stories, chapter=open_chapter, status=Status.PENDING)
        for _n in range(reported):
            _report(StoryFactory(chapter=open_chapter), 2)
        for _n in range(replies):
            _report(ReplyFactory(story=StoryFactory(chapter=open_chapter)))
        for _n in range(edited):
            StoryRevision.objects.create(
                story=StoryFactory(chapter=open_chapter), title="Bewerkt", body="Nieuwe tekst"
            )

    add(1, 1, 1, 1)
    with django_assert_max_num_queries(15) as few:
        response = curator_client.get(reverse(QUEUE))
    assert response.content.decode().count('class="moderation-item"') == 4
    add(14, 13, 6, 4)
    with django_assert_max_num_queries(15) as many:
        response = curator_client.get(reverse(QUEUE))
    assert response.content.decode().count('class="moderation-item"') == 25
    assert len(many.captured_queries) == len(few.captured_queries)


# ---- One decision at a time, each in the log ----------------------------------------


@pytest.mark.parametrize(
    ("status", "action", "reason", "result"),
    [
        (Status.PENDING, "approve", "", Status.PUBLISHED),
        (Status.PENDING, "feature", "", Status.FEATURED),
        (Status.PUBLISHED, "feature", "", Status.FEATURED),
        (Status.FEATURED, "unfeature", "", Status.PUBLISHED),
        (Status.PENDING, "hide", "Persoonsgegevens", Status.HIDDEN),
        (Status.PUBLISHED, "hide", "Reclame", Status.HIDDEN),
        (Status.HIDDEN, "restore", "", Status.PUBLISHED),
    ],
)
def test_each_story_decision_changes_the_story_and_writes_the_log(
    curator_client, curator, open_chapter, status, action, reason, result
):
    story = StoryFactory(chapter=open_chapter, status=status, title="Het buurthuis")
    response = _decide(curator_client, story, action, reason)
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == result
    entry = _entries(story).get()
    assert (entry.curator, entry.action, entry.reason) == (curator, action, reason)
    assert (entry.target_type, entry.target_id, entry.target_title) == (
        "story",
        story.pk,
        "Het buurthuis",
    )
    assert entry.previous_status == status
    assert entry.created_at is not None


@pytest.mark.parametrize(
    ("hidden", "action", "reason"), [(False, "hide", "Kwetsend"), (True, "restore", "")]
)
def test_each_reply_decision_writes_the_log(
    curator_client, curator, open_chapter, hidden, action, reason
):
    reply = ReplyFactory(story=StoryFactory(chapter=open_chapter), is_hidden=hidden, body="Onzin!")
    _decide(curator_client, reply, action, reason)
    reply.refresh_from_db()
    assert reply.is_hidden is (action == "hide")
    entry = _entries(reply).get()
    assert (entry.curator, entry.action, entry.reason) == (curator, action, reason)
    assert (entry.target_type, entry.target_id, entry.target_title) == ("reply", reply.pk, "Onzin!")


@pytest.mark.parametrize("kind", ["story", "reply"])
def test_dismissing_reports_settles_them_keeps_the_item_and_writes_the_log(
    curator_client, curator, open_chapter, kind
):
    item = (
        StoryFactory(chapter=open_chapter)
        if kind == "story"
        else ReplyFactory(story=StoryFactory(chapter=open_chapter))
    )
    _report(item, 2)
    _decide(curator_client, item, "dismiss")
    item.refresh_from_db()
    assert (item.status == Status.PUBLISHED) if kind == "story" else not item.is_hidden
    assert not item.reports.open().exists()
    assert set(item.reports.values_list("resolved_by", flat=True)) == {curator.pk}
    assert _entries(item).get().action == ModerationKind.DISMISS
    assert f"{kind}:{item.pk}" not in curator_client.get(reverse(QUEUE)).content.decode()


def test_reports_on_a_hidden_item_are_not_dismissed_but_restored(curator_client, open_chapter):
    story = _report(StoryFactory(chapter=open_chapter), 3)
    response = _decide(curator_client, story, "dismiss", follow=True)
    assert "Zet het terug als de meldingen niet terecht waren." in response.content.decode()
    assert story.reports.open().count() == 3
    assert not _entries(story).filter(action="dismiss").exists()


def test_the_report_threshold_hides_and_logs_without_a_curator(open_chapter):
    story = _report(StoryFactory(chapter=open_chapter, title="Te vaak gemeld"), 3)
    reply = _report(ReplyFactory(story=StoryFactory(chapter=open_chapter)), 3)
    for item in (story, reply):
        entry = _entries(item).get()
        assert entry.curator is None
        assert entry.action == ModerationKind.AUTO_HIDE
        assert entry.reason == reports.AUTO_HIDDEN_REASON
    assert story.status == Status.HIDDEN and reply.is_hidden


def test_a_curator_confirms_an_auto_hide_with_a_reason_of_their_own(curator_client, open_chapter):
    story = _report(StoryFactory(chapter=open_chapter), 3)
    _decide(curator_client, story, "hide", "Scheldwoorden")
    story.refresh_from_db()
    assert story.status == Status.HIDDEN and story.hidden_reason == "Scheldwoorden"
    assert not story.reports.open().exists()
    assert list(_entries(story).order_by("pk").values_list("action", flat=True)) == [
        "auto_hide",
        "hide",
    ]


def test_hiding_needs_a_reason_that_is_passed_to_the_author(
    curator_client, open_chapter, mailoutbox
):
    story = StoryFactory(chapter=open_chapter, status=Status.PENDING)
    response = _decide(curator_client, story, "hide", "   ", follow=True)
    story.refresh_from_db()
    assert story.status == Status.PENDING
    assert not _entries(story).exists()
    assert "Geef een reden op" in response.content.decode()

    _decide(curator_client, story, "hide", "Noemt de buurvrouw bij naam")
    story.refresh_from_db()
    assert story.hidden_reason == "Noemt de buurvrouw bij naam"


def test_a_decision_that_does_not_fit_is_refused_and_not_logged(curator_client, open_chapter):
    story = StoryFactory(chapter=open_chapter, status=Status.PUBLISHED)
    response = _decide(curator_client, story, "approve")
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert not _entries(story).exists()


def test_a_reply_cannot_be_approved(curator_client, open_chapter):
    reply = _report(ReplyFactory(story=StoryFactory(chapter=open_chapter)))
    _decide(curator_client, reply, "approve")
    assert not _entries(reply).exists()


def test_a_decision_returns_to_the_same_page_of_the_queue(curator_client, open_chapter):
    story = StoryFactory(chapter=open_chapter, status=Status.PENDING)
    response = _decide(curator_client, story, "approve", pagina="2")
    assert response["Location"] == reverse(QUEUE) + "?pagina=2"
    response = _decide(curator_client, story, "approve", pagina="../evil")
    assert response["Location"] == reverse(QUEUE)


def test_a_decision_on_an_item_that_is_gone_is_harmless(curator_client, open_chapter):
    response = curator_client.post(reverse(DECIDE), {"target": "story:999999", "action": "approve"})
    assert response.status_code == 302
    response = curator_client.post(reverse(DECIDE), {"target": "user:1", "action": "approve"})
    assert response.status_code == 302
    assert not ModerationAction.objects.exists()


# ---- Nothing is destroyed ----------------------------------------------------------


@pytest.mark.parametrize("before", [Status.PUBLISHED, Status.FEATURED])
def test_restore_brings_back_the_public_status_the_story_had(curator, open_chapter, before):
    story = StoryFactory(chapter=open_chapter, status=before, title="Blijft bewaard")
    moderation.story_moderate(story=story, curator=curator, action="hide", reason="Even niet")
    story.refresh_from_db()
    assert Story.objects.filter(pk=story.pk, status=Status.HIDDEN).exists()
    assert story.body and story.title == "Blijft bewaard"
    moderation.story_moderate(story=story, curator=curator, action="restore")
    story.refresh_from_db()
    assert story.status == before and story.hidden_reason == ""


@pytest.mark.parametrize("before", [Status.PUBLISHED, Status.FEATURED])
def test_restore_after_an_auto_hide_confirmed_by_a_curator(curator, open_chapter, before):
    story = _report(StoryFactory(chapter=open_chapter, status=before), 3)
    moderation.story_moderate(story=story, curator=curator, action="hide", reason="Bevestigd")
    moderation.story_moderate(story=story, curator=curator, action="restore")
    story.refresh_from_db()
    assert story.status == before


def test_a_hidden_reply_is_kept_and_can_be_restored(curator, open_chapter):
    reply = ReplyFactory(story=StoryFactory(chapter=open_chapter), body="Bewaard")
    moderation.reply_moderate(reply=reply, curator=curator, action="hide", reason="Off-topic")
    assert Reply.objects.filter(pk=reply.pk, is_hidden=True, body="Bewaard").exists()
    moderation.reply_moderate(reply=reply, curator=curator, action="restore")
    reply.refresh_from_db()
    assert not reply.is_hidden


def test_log_entries_outlive_a_story_its_author_deletes(curator, open_chapter):
    story = StoryFactory(chapter=open_chapter, status=Status.PENDING, title="Weg ermee")
    moderation.story_moderate(story=story, curator=curator, action="approve")
    writing.story_delete(story=story, user=story.author.user)
    entry = ModerationAction.objects.get(target_type="story", target_id=story.pk)
    assert entry.story is None and entry.target_title == "Weg ermee"


def test_a_moderation_decision_and_its_log_entry_commit_together(
    curator, open_chapter, monkeypatch
):
    story = StoryFactory(chapter=open_chapter, status=Status.PENDING)

    def broken(**kwargs):
        raise RuntimeError("the log is down")

    monkeypatch.setattr(moderation, "_log", broken)
    with pytest.raises(RuntimeError):
        moderation.story_moderate(story=story, curator=curator, action="approve")
    story.refresh_from_db()
    assert story.status == Status.PENDING


# ---- Several at once ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "action", "result"),
    [
        (Status.PENDING, "approve", Status.PUBLISHED),
        (Status.PENDING, "feature", Status.FEATURED),
        (Status.HIDDEN, "restore", Status.PUBLISHED),
    ],
)
def test_bulk_decision_on_stories(curator_client, curator, open_chapter, status, action, result):
    stories = StoryFactory.create_batch(3, chapter=open_chapter, status=status)
    response = curator_client.post(
        reverse(BULK), {"items": [f"story:{s.pk}" for s in stories], "action": action}
    )
    assert response.status_code == 302
    assert set(Story.objects.values_list("status", flat=True)) == {result}
    assert ModerationAction.objects.filter(action=action, curator=curator).count() == 3


def test_bulk_hide_needs_one_reason_for_all(curator_client, curator, open_chapter):
    story = StoryFactory(chapter=open_chapter, status=Status.PENDING)
    reply = _report(ReplyFactory(story=StoryFactory(chapter=open_chapter)))
    items = [f"story:{story.pk}", f"reply:{reply.pk}"]

    curator_client.post(reverse(BULK), {"items": items, "action": "hide", "reason": ""})
    story.refresh_from_db()
    reply.refresh_from_db()
    assert story.status == Status.PENDING and not reply.is_hidden
    assert not ModerationAction.objects.exists()

    curator_client.post(reverse(BULK), {"items": items, "action": "hide", "reason": "Spam"})
    story.refresh_from_db()
    reply.refresh_from_db()
    assert story.status == Status.HIDDEN and reply.is_hidden
    assert story.hidden_reason == reply.hidden_reason == "Spam"
    assert list(ModerationAction.objects.values_list("reason", flat=True)) == ["Spam", "Spam"]


def test_bulk_dismiss_settles_reports_on_stories_and_replies(curator_client, open_chapter):
    story = _report(StoryFactory(chapter=open_chapter), 2)
    reply = _report(ReplyFactory(story=StoryFactory(chapter=open_chapter)))
    curator_client.post(
        reverse(BULK), {"items": [f"story:{story.pk}", f"reply:{reply.pk}"], "action": "dismiss"}
    )
    assert not Report.objects.open().exists()
    assert ModerationAction.objects.filter(action="dismiss").count() == 2


def test_bulk_goes_through_for_the_items_that_fit_and_names_the_others(
    curator_client, open_chapter
):
    pending = StoryFactory(chapter=open_chapter, status=Status.PENDING)
    published = StoryFactory(chapter=open_chapter, status=Status.PUBLISHED, title="Al gepubliceerd")
    response = curator_client.post(
        reverse(BULK),
        {"items": [f"story:{pending.pk}", f"story:{published.pk}"], "action": "approve"},
        follow=True,
    )
    pending.refresh_from_db()
    assert pending.status == Status.PUBLISHED
    assert ModerationAction.objects.count() == 1
    html = response.content.decode()
    assert "1 item afgehandeld." in html and "Al gepubliceerd:" in html


def test_bulk_without_items_changes_nothing(curator_client):
    response = curator_client.post(reverse(BULK), {"action": "approve"}, follow=True)
    assert "Kies eerst een of meer items." in response.content.decode()


# ---- Who may ----------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.parametrize("url", [QUEUE, LOG])
@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("member", 403), ("staff", 403), ("curator", 200), ("superuser", 200)],
)
def test_who_may_open_the_queue_and_the_log(client, request, url, who, expected):
    if who != "anonymous":
        fixture = {"superuser": "superuser", "curator": "curator"}.get(who, who)
        client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse(url))
    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url", [DECIDE, BULK])
@pytest.mark.parametrize(("who", "expected"), [("anonymous", 302), ("member", 403), ("staff", 403)])
def test_only_curators_may_decide(client, request, open_chapter, url, who, expected):
    story = StoryFactory(chapter=open_chapter, status=Status.PENDING)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    data = {"target": f"story:{story.pk}", "items": [f"story:{story.pk}"], "action": "approve"}
    assert client.post(reverse(url), data).status_code == expected
    story.refresh_from_db()
    assert story.status == Status.PENDING


@pytest.mark.parametrize("url", [DECIDE, BULK])
def test_decisions_are_posts(curator_client, url):
    assert curator_client.get(reverse(url)).status_code == 405


@pytest.mark.parametrize("url", [DECIDE, BULK])
def test_decisions_need_the_csrf_token(curator, open_chapter, url):
    story = StoryFactory(chapter=open_chapter, status=Status.PENDING)
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)
    data = {"target": f"story:{story.pk}", "items": [f"story:{story.pk}"], "action": "approve"}
    assert client.post(reverse(url), data).status_code == 403
    story.refresh_from_db()
    assert story.status == Status.PENDING

    page = client.get(reverse(QUEUE)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    client.post(reverse(url), {**data, "csrfmiddlewaretoken": token})
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED


def test_curators_group_may_read_the_log_but_not_change_it():
    # Synced again: transactional tests elsewhere flush the group the migration made.
    group = curators_group_sync()
    assert group.name == CURATORS_GROUP
    codenames = set(
        group.permissions.filter(content_type__model="moderationaction").values_list(
            "codename", flat=True
        )
    )
    assert codenames == {"view_moderationaction"}
    assert Permission.objects.filter(codename="change_moderationaction").exists()


# ---- The log page -----------------------------------------------------------------


def test_log_lists_every_decision_with_who_what_when_and_why(curator_client, curator, open_chapter):
    story = StoryFactory(chapter=open_chapter, status=Status.PENDING, title="Het bankje")
    moderation.story_moderate(story=story, curator=curator, action="approve")
    moderation.story_moderate(story=story, curator=curator, action="hide", reason="Reclame")
    _report(ReplyFactory(story=story, body="Koop nu!"), 3)
    html = curator_client.get(reverse(LOG)).content.decode()
    assert "3 beslissingen" in html
    for text in ("Goedgekeurd", "Verborgen", "Automatisch verborgen na meldingen", "Reclame"):
        assert text in html
    assert "Het bankje" in html and "Koop nu!" in html
    assert curator.email in html and "automatisch (na meldingen)" in html


def test_log_filters_by_action_and_pages(curator_client, curator, open_chapter):
    for story in StoryFactory.create_batch(55, chapter=open_chapter, status=Status.PENDING):
        moderation.story_moderate(story=story, curator=curator, action="approve")
    hidden = StoryFactory(chapter=open_chapter, title="Alleen deze")
    moderation.story_moderate(story=hidden, curator=curator, action="hide", reason="Weg")

    hides = curator_client.get(reverse(LOG), {"handeling": "hide"})
    assert "1 beslissing" in hides.content.decode()
    assert len(_log_rows(hides)) == 1 and "Alleen deze" in _log_rows(hides)[0]

    first = curator_client.get(reverse(LOG))
    assert "Pagina 1 van 2" in first.content.decode() and len(_log_rows(first)) == 50
    second = curator_client.get(reverse(LOG), {"handeling": "approve", "pagina": 2})
    assert len(_log_rows(second)) == 5
    assert hrefs(second, ".pagination a") == ["?handeling=approve&pagina=1"]


def test_log_query_count_is_constant(
    curator_client, curator, open_chapter, django_assert_max_num_queries
):
    def add(n):
        for story in StoryFactory.create_batch(n, chapter=open_chapter, status=Status.PENDING):
            moderation.story_moderate(story=story, curator=curator, action="approve")
        _report(ReplyFactory(story=StoryFactory(chapter=open_chapter)), 3)

    add(2)
    with django_assert_max_num_queries(12) as few:
        curator_client.get(reverse(LOG))
    add(30)
    with django_assert_max_num_queries(12) as many:
        curator_client.get(reverse(LOG))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_log_has_no_way_to_change_an_entry(curator_client, curator, open_chapter):
    story = StoryFactory(chapter=open_chapter, status=Status.PENDING)
    moderation.story_moderate(story=story, curator=curator, action="approve")
    assert curator_client.post(reverse(LOG), {"handeling": "x"}).status_code == 405
    response = curator_client.get(reverse(LOG))
    assert not select(response, 'main form[method="post"]')


# ---- The admin is read-only for everyone ------------------------------------------


@pytest.mark.parametrize("who", ["curator", "superuser"])
def test_nobody_changes_or_deletes_log_entries_in_the_admin(client, request, open_chapter, who):
    user = request.getfixturevalue(who)
    story = StoryFactory(chapter=open_chapter, status=Status.PENDING, title="Vast")
    moderation.story_moderate(story=story, curator=user, action="approve")
    entry = ModerationAction.objects.get()
    client.force_login(user)

    change = reverse("admin:stories_moderationaction_change", args=[entry.pk])
    page = client.get(change)
    assert page.status_code == 200  # to read
    assert not select(page, '[name="_save"]')
    client.post(change, {"action": "hide", "reason": "vervalst", "target_title": "Anders"})
    assert client.post(reverse("admin:stories_moderationaction_add"), {}).status_code == 403
    delete = reverse("admin:stories_moderationaction_delete", args=[entry.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:stories_moderationaction_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    entry.refresh_from_db()
    assert (entry.action, entry.reason, entry.target_title) == ("approve", "", "Vast")
    assert client.get(reverse("admin:stories_moderationaction_changelist")).status_code == 200


# ---- Nothing a member wrote runs on a curator's screen -----------------------------


def _queue_region(html: str) -> str:
    return inner_html(one(html, "section.moderation-queue"))


def _log_rows(response) -> list[str]:
    """The entries of the curators' log on a page, as text (the header row left out)."""
    return texts(response, "table.moderation-log tbody tr")


QUEUE_TAGS = {
    "article", "header", "h3", "h4", "p", "span", "time", "a", "div", "section", "ul",
    "li", "br", "form", "input", "label", "button", "ol", "nav",
}  # fmt: skip


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payloads_in_title_body_and_report_are_inert_on_the_queue(
    curator_client, open_chapter, payload
):
    from core.markdown import ALLOWED_TAGS

    story = writing.story_submit(
        author=MembershipFactory(),
        chapter=open_chapter,
        title=f"Titel {payload}"[:200],
        body=f"Alinea.\n\n{payload}\n\nNog een.",
    )
    moderation.story_moderate(story=story, curator=None, action="approve")
    reports.report_create(
        reporter=MembershipFactory(established=True), story=story, reason=f"Reden {payload}"
    )
    html = curator_client.get(reverse(QUEUE)).content.decode()
    assert_inert(_queue_region(html), allowed_tags=set(ALLOWED_TAGS) | QUEUE_TAGS)
    assert escape(f"Titel {payload}"[:200]) in html
    if "<" in payload:
        assert f"Titel {payload}" not in html
        assert f"Reden {payload}" not in html


@pytest.mark.parametrize("payload", XSS_PAYLOADS[:12])
def test_payloads_are_inert_in_the_log(curator_client, curator, open_chapter, payload):
    story = StoryFactory(chapter=open_chapter, status=Status.PENDING, title=f"T {payload}"[:200])
    moderation.story_moderate(story=story, curator=curator, action="hide", reason=f"R {payload}")
    html = curator_client.get(reverse(LOG)).content.decode()
    assert_inert(
        inner_html(one(html, "table.moderation-log")),
        allowed_tags={"table", "caption", "thead", "tbody", "tr", "th", "td", "time", "a", "span"},
    )
    if "<" in payload:
        assert f"T {payload}" not in html and f"R {payload}" not in html


# ---- In English too -------------------------------------------------------------


def test_queue_and_log_have_english_urls_and_words(curator_client, open_chapter):
    from django.utils import translation

    assert reverse(QUEUE) == "/redactie/moderatie/"
    with translation.override("en"):
        assert reverse(QUEUE) == "/en/curation/moderation/"
        assert reverse(LOG) == "/en/curation/log/"
    StoryFactory(chapter=open_chapter, status=Status.PENDING)
    html = curator_client.get("/en/curation/moderation/").content.decode()
    assert "Moderation" in html and "Approve" in html and "Reason for hiding" in html
    assert "Moderation log" in curator_client.get("/en/curation/log/").content.decode()
