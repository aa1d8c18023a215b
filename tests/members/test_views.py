import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains

from members.codes import format_code, generate_code
from members.models import CodeStatus, How, Invitation, Membership
from members.ratelimit import CODE_FAILURES, CODE_GUESSES, failures, record_failure
from tests.factories import (
    ClaimCodeFactory,
    EmailAddressFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)
from tests.markup import attributes, hrefs, select
from tests.safe_requests import no_database_writes

pytestmark = pytest.mark.django_db

CLAIM = "/exemplaar/"
WELCOME = "/exemplaar/welkom/"
CODE_ENTER = "/exemplaar/code/"
MINE = "/mijn-exemplaar/"
TOO_MANY = "Te veel pogingen met een code die niet klopt. Probeer het over 15 minuten opnieuw."
NETWORK_TOO_MANY = (
    "Vanaf dit netwerk zijn te veel codes geprobeerd die niet kloppen. Log in of maak een "
    "account aan: dan kun je de code uit je boek meteen gebruiken. Of probeer het over 60 "
    "minuten opnieuw."
)
MALFORMED = "Dat is geen geldige code. Een code heeft 16 tekens, zoals 7KQ4-M2XD-9TRA-5B1C."
UNKNOWN = "Deze code kennen we niet. Controleer of je hem goed hebt overgenomen."
REVOKED = "Deze code is ingetrokken en geeft geen lidmaatschap meer."
CLAIMED = "Dit exemplaar is al geclaimd."


def signup_url(next_path):
    return f"{reverse('account_signup')}?{urlencode({'next': next_path})}"


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_urls_are_dutch_by_default():
    assert reverse("members:claim") == CLAIM
    assert reverse("members:code_claim", kwargs={"code": "7KQ4-M2XD-9TRA-5B1C"}) == (
        "/exemplaar/code/7KQ4-M2XD-9TRA-5B1C/"
    )
    assert reverse("members:mine") == MINE
    assert reverse("members:invitation", kwargs={"token": "abc"}) == "/uitnodiging/abc/"


def test_urls_have_english_names_under_en(client):
    from django.utils import translation

    with translation.override("en"):
        assert reverse("members:claim") == "/en/copy/"
        assert reverse("members:mine") == "/en/my-copy/"
        assert reverse("members:invitation", kwargs={"token": "abc"}) == "/en/invitation/abc/"
    html = client.get("/en/copy/").content.decode()
    assert "Claim my digital copy" in html


# Digital copy


def test_claim_page_invites_anonymous_visitors_to_sign_up_and_come_back(client):
    response = client.get(CLAIM)
    assert "Claim mijn digitale exemplaar" in response.content.decode()
    assert {
        "/accounts/signup/?next=%2Fexemplaar%2F",
        "/accounts/login/?next=%2Fexemplaar%2F",
    } <= set(hrefs(response, "main a"))


def test_anonymous_claim_is_sent_to_signup_with_next(client):
    response = client.post(CLAIM)
    assert response.status_code == 302
    assert response["Location"] == signup_url(CLAIM)
    assert not Membership.objects.exists()


def test_claim_makes_a_numbered_member_and_welcomes_them(client, user, chapters):
    client.force_login(user)
    response = client.post(CLAIM, follow=True)

    assert response.redirect_chain == [(WELCOME, 302)]
    membership = Membership.objects.get(user=user)
    assert membership.number == 1 and membership.how == How.DIGITAL
    assert "Welkom, lid nr. 1" in response.content.decode()
    first_members_chapter = chapters[2]
    assert first_members_chapter.get_absolute_url() in hrefs(response, "main a")


def test_welcome_page_without_a_members_chapter_still_welcomes(member_client, member):
    response = member_client.get(WELCOME)
    assert response.status_code == 200
    assert response.context["first_members_chapter"] is None
    assert f"Welkom, lid nr. {member.membership.number}" in response.content.decode()


def test_claim_page_requires_csrf(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(CLAIM).status_code == 403
    assert not Membership.objects.exists()


def test_member_sees_their_number_instead_of_claiming_again(member_client, member):
    number = member.membership.number
    html = member_client.get(CLAIM).content.decode()
    assert f"je bent lid nr. {number}" in html
    assert "Claim mijn digitale exemplaar" not in html

    response = member_client.post(CLAIM, follow=True)
    assert response.redirect_chain == [(MINE, 302)]
    assert messages_of(response) == [f"Je bent al lid, met nummer {number}."]
    assert Membership.objects.count() == 1


def test_welcome_sends_non_members_to_the_claim_page(client, user):
    client.force_login(user)
    assert client.get(WELCOME)["Location"] == CLAIM


def test_welcome_asks_anonymous_visitors_to_log_in(client):
    response = client.get(WELCOME)
    assert response["Location"].startswith(reverse("account_login"))


def test_next_survives_signup_verification_and_login(client):
    """Anonymous visitor presses the button, signs up, verifies the e-mail address in the
    same browser, and lands back on the claim page, logged in, to finish."""
    response = client.post(CLAIM)
    signup_page = client.get(response["Location"])
    assert attributes(signup_page, 'main form input[name="next"]', "value") == [CLAIM]

    response = client.post(
        response["Location"],
        {
            "email": "nieuw@example.org",
            "password1": "een lang wachtwoord 2026",
            "password2": "een lang wachtwoord 2026",
            "next": CLAIM,
        },
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    confirm_url = re.search(r"https?://[^/\s]+(/\S*confirm-email/\S+/)", message.body).group(1)

    response = client.post(confirm_url)

    assert response.status_code == 302
    assert response["Location"] == CLAIM
    response = client.post(CLAIM, follow=True)
    assert response.redirect_chain == [(WELCOME, 302)]
    assert Membership.objects.get().user.email == "nieuw@example.org"


def test_next_survives_login_of_an_existing_account(client):

    user = UserFactory(email="bestaand@example.org")
    EmailAddressFactory(user=user)
    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "correct horse battery staple", "next": CLAIM},
    )
    assert response["Location"] == CLAIM


# Printed copy: typing the code


def test_code_form_is_shown(client):
    response = client.get(CODE_ENTER)
    assert response.status_code == 200
    assert select(response, 'main form input[name="code"]')


def test_typed_code_makes_a_printed_member(client, user):
    claim_code = ClaimCodeFactory()
    client.force_login(user)
    response = client.post(CODE_ENTER, {"code": claim_code.display.lower()}, follow=True)
    assert response.redirect_chain == [(WELCOME, 302)]
    membership = Membership.objects.get(user=user)
    assert membership.how == How.PRINTED and membership.code == claim_code


@pytest.mark.parametrize(
    ("status", "message"),
    [(CodeStatus.REVOKED, REVOKED), (CodeStatus.REDEEMED, CLAIMED)],
)
def test_typed_code_that_cannot_be_claimed_says_why(client, user, status, message):
    claim_code = ClaimCodeFactory(status=status)
    client.force_login(user)
    response = client.post(CODE_ENTER, {"code": claim_code.display})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [message]
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("typed", "message"), [("12-34", MALFORMED), ("0000-0000-0000-0000", UNKNOWN)]
)
def test_typed_bad_code_says_why(client, user, typed, message):
    client.force_login(user)
    response = client.post(CODE_ENTER, {"code": typed})
    assert response.context["form"].errors["code"] == [message]
    assert message in response.content.decode()


def test_empty_code_is_required(client, user):
    client.force_login(user)
    response = client.post(CODE_ENTER, {"code": ""})
    assert response.context["form"].errors["code"] == ["Dit veld is verplicht."]


def test_member_typing_a_valid_code_keeps_it_for_someone_else(member_client, member):
    claim_code = ClaimCodeFactory()
    response = member_client.post(CODE_ENTER, {"code": claim_code.display}, follow=True)
    assert response.redirect_chain == [(MINE, 302)]
    number = member.membership.number
    assert messages_of(response) == [
        f"Je bent al lid, met nummer {number}. Deze code blijft ongebruikt: "
        "geef het boek door aan iemand die nog geen lid is."
    ]
    claim_code.refresh_from_db()
    assert claim_code.status == CodeStatus.AVAILABLE


def test_anonymous_typed_code_leads_to_the_code_page(client):
    claim_code = ClaimCodeFactory(code="7KQ4M2XD9TRA5B1C")
    response = client.post(CODE_ENTER, {"code": "7kq4 m2xd 9tra 5b1c"})
    assert response["Location"] == "/exemplaar/code/7KQ4-M2XD-9TRA-5B1C/"
    claim_code.refresh_from_db()
    assert claim_code.status == CodeStatus.AVAILABLE


def test_anonymous_typed_unknown_code_is_refused_on_the_spot(client):
    response = client.post(CODE_ENTER, {"code": "0000-0000-0000-0000"})
    assert response.context["form"].errors["code"] == [UNKNOWN]


# Printed copy: the page behind the QR code


def test_code_page_shows_the_code_and_the_way_through_signup(client):
    claim_code = ClaimCodeFactory(code="7KQ4M2XD9TRA5B1C")
    path = "/exemplaar/code/7KQ4-M2XD-9TRA-5B1C/"
    page = client.get(path)
    html = page.content.decode()
    assert "7KQ4-M2XD-9TRA-5B1C" in html
    assert "Claim dit exemplaar" in html
    assert signup_url(path) in hrefs(page, "main a")

    response = client.post(path)
    assert response["Location"] == signup_url(path)
    claim_code.refresh_from_db()
    assert claim_code.status == CodeStatus.AVAILABLE


def test_code_page_claims_the_copy(client, user):
    claim_code = ClaimCodeFactory()
    client.force_login(user)
    response = client.post(f"/exemplaar/code/{claim_code.display}/", follow=True)
    assert response.redirect_chain == [(WELCOME, 302)]
    assert "Welkom, lid nr. 1" in response.content.decode()
    assert Membership.objects.get(user=user).code == claim_code


def test_loser_of_a_race_hears_the_copy_is_already_claimed(client, user):
    """The button was shown while the code was free; someone else claimed it first."""
    claim_code = ClaimCodeFactory()
    path = f"/exemplaar/code/{claim_code.display}/"
    client.force_login(user)
    assert "Claim dit exemplaar" in client.get(path).content.decode()
    MembershipFactory(code=claim_code, how=How.PRINTED)
    claim_code.status = CodeStatus.REDEEMED
    claim_code.save()

    response = client.post(path)

    assert response.status_code == 200
    assert CLAIMED in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("0000-0000-0000-0000", None, UNKNOWN),
        ("not-a-code", None, MALFORMED),
        ("7KQ4-M2XD-9TRA-5B1C", CodeStatus.REVOKED, REVOKED),
        ("7KQ4-M2XD-9TRA-5B1C", CodeStatus.REDEEMED, CLAIMED),
    ],
)
def test_code_page_explains_codes_that_cannot_be_claimed(client, code, status, message):
    if status:
        ClaimCodeFactory(code="7KQ4M2XD9TRA5B1C", status=status)
    response = client.get(f"/exemplaar/code/{code}/")
    assert message in response.content.decode()
    assert not select(response, "main form")


def test_code_page_tells_members_to_pass_the_book_on(member_client):
    claim_code = ClaimCodeFactory()
    html = member_client.get(f"/exemplaar/code/{claim_code.display}/").content.decode()
    assert "Deze code blijft ongebruikt" in html


def test_member_pressing_the_code_page_button_keeps_the_code(member_client):
    claim_code = ClaimCodeFactory()
    response = member_client.post(f"/exemplaar/code/{claim_code.display}/")
    assert response["Location"] == MINE
    claim_code.refresh_from_db()
    assert claim_code.status == CodeStatus.AVAILABLE


def test_opening_code_pages_changes_nothing_and_counts_no_attempt(client, user):
    """A Markdown image in a story can point at a code page, and then every reader's
    browser opens it: 50 unknown codes leave the database and the counters as they were,
    and a valid claim afterwards goes through."""
    for _ in range(50):
        with no_database_writes():
            response = client.get(f"/exemplaar/code/{format_code(generate_code())}/")
        assert error_of(response) == UNKNOWN
    assert "sessionid" not in client.cookies
    assert failures(limit=CODE_GUESSES, key="ip:127.0.0.1") == 0
    client.force_login(user)
    assert failures(limit=CODE_FAILURES, key=f"user:{user.pk}") == 0
    for _ in range(50):
        with no_database_writes():
            client.get(f"/exemplaar/code/{format_code(generate_code())}/")
    assert failures(limit=CODE_FAILURES, key=f"user:{user.pk}") == 0
    assert failures(limit=CODE_GUESSES, key="ip:127.0.0.1") == 0

    claim_code = ClaimCodeFactory()
    response = client.post(f"/exemplaar/code/{claim_code.display}/")
    assert response["Location"] == WELCOME
    assert Membership.objects.get(user=user).code == claim_code


def test_the_member_who_claimed_the_code_sees_it_is_theirs(client, user):
    claim_code = ClaimCodeFactory()
    client.force_login(user)
    client.post(f"/exemplaar/code/{claim_code.display}/")
    number = Membership.objects.get(user=user).number

    response = client.get(f"/exemplaar/code/{claim_code.display}/")

    assert response.context["own_membership"].number == number
    assert "error" not in response.context
    assertContains(response, "<h1>Jouw exemplaar</h1>", html=True)
    assertContains(
        response,
        f"<p>Dit is jouw exemplaar: je bent lid met nummer {number}.</p>",
        html=True,
    )
    assertContains(
        response,
        '<a class="button" href="/mijn-exemplaar/kaart/">Mijn lidmaatschapskaart</a>',
        html=True,
    )


def test_someone_else_sees_the_copy_is_claimed(client, user):
    claim_code = ClaimCodeFactory()
    client.force_login(user)
    client.post(f"/exemplaar/code/{claim_code.display}/")
    client.force_login(UserFactory())
    response = client.get(f"/exemplaar/code/{claim_code.display}/")
    assert error_of(response) == CLAIMED
    assert "own_membership" not in response.context


def test_the_owner_entering_their_own_code_again_is_no_failure(client, user):
    claim_code = ClaimCodeFactory()
    client.force_login(user)
    client.post(CODE_ENTER, {"code": claim_code.display})
    number = Membership.objects.get(user=user).number

    for _ in range(CODE_FAILURES.attempts + 1):
        response = client.post(CODE_ENTER, {"code": claim_code.display}, follow=True)
        assert response.redirect_chain == [(MINE, 302)]
    assert messages_of(response) == [f"Dit is jouw exemplaar: je bent lid met nummer {number}."]
    assert failures(limit=CODE_FAILURES, key=f"user:{user.pk}") == 0


# Rate limiting of failed codes: per person (account or session) and per network


def fail_codes(client, times, code="0000-0000-0000-0000", **extra):
    for _ in range(times):
        response = client.post(CODE_ENTER, {"code": code}, **extra)
        assert response.status_code == 200
    return response


def error_of(response):
    return str(response.context["error"])


def test_too_many_failed_codes_are_answered_with_429(client, user):
    claim_code = ClaimCodeFactory()
    client.force_login(user)
    fail_codes(client, CODE_FAILURES.attempts)

    response = client.post(CODE_ENTER, {"code": claim_code.display})

    assert response.status_code == 429
    assert error_of(response) == TOO_MANY
    assert response["Retry-After"] == str(CODE_FAILURES.seconds)
    assertContains(
        response,
        f'<p class="notice notice--error" role="alert">{TOO_MANY}</p>',
        status_code=429,
        html=True,
    )
    claim_code.refresh_from_db()
    assert claim_code.status == CodeStatus.AVAILABLE


def test_the_refusal_is_translated(client, user):
    client.force_login(user)
    fail_codes(client, CODE_FAILURES.attempts)
    with translation.override("en"):
        response = client.post(reverse("members:code_enter"), {"code": "x"})
    assert response.status_code == 429
    assert error_of(response) == (
        "Too many attempts with a code that does not match. Please try again in 15 minutes."
    )

    for _ in range(CODE_GUESSES.attempts):
        record_failure(limit=CODE_GUESSES, keys=["ip:203.0.113.30"])
    client.logout()
    with translation.override("en"):
        url = reverse("members:code_enter")
    response = client.post(url, {"code": "x"}, REMOTE_ADDR="203.0.113.30")
    assert response.status_code == 429
    assert error_of(response) == (
        "Too many codes that do not match have been tried from this network. Log in or create "
        "an account: then you can use the code from your book straight away. Or try again in "
        "60 minutes."
    )


def test_code_page_button_is_limited_too(client, user):
    claim_code = ClaimCodeFactory()
    client.force_login(user)
    fail_codes(client, CODE_FAILURES.attempts)
    response = client.post(f"/exemplaar/code/{claim_code.display}/")
    assert response.status_code == 429
    assert error_of(response) == TOO_MANY
    assert not Membership.objects.filter(user=user).exists()


def test_failures_count_per_user_across_ips(client, user):
    client.force_login(user)
    for number in range(CODE_FAILURES.attempts):
        client.post(CODE_ENTER, {"code": generate_code()}, REMOTE_ADDR=f"198.51.100.{number}")
    response = client.post(CODE_ENTER, {"code": "x"}, REMOTE_ADDR="198.51.100.200")
    assert response.status_code == 429


def test_failures_of_one_session_are_refused_and_nobody_else_is(client):
    """A visitor without an account is counted by their session (made on their first
    failure). Someone else on the same network, in another browser, is not touched."""
    fail_codes(client, CODE_FAILURES.attempts, REMOTE_ADDR="203.0.113.7")
    assert client.cookies["sessionid"].value

    response = client.post(CODE_ENTER, {"code": "0000-0000-0000-0000"}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert error_of(response) == TOO_MANY

    neighbour = Client()
    claim_code = ClaimCodeFactory(code="7KQ4M2XD9TRA5B1C")
    response = neighbour.post(CODE_ENTER, {"code": claim_code.display}, REMOTE_ADDR="203.0.113.7")
    assert response["Location"] == "/exemplaar/code/7KQ4-M2XD-9TRA-5B1C/"


def test_the_network_ceiling_holds_across_fresh_sessions(client):
    """A guesser who throws the session away after every failure meets the network's
    ceiling: unknown codes from one IP, whatever the session."""
    ip = {"REMOTE_ADDR": "203.0.113.9"}
    for attempt in range(CODE_GUESSES.attempts):
        client.cookies.clear()
        response = client.post(CODE_ENTER, {"code": generate_code()}, **ip)
        assert response.context["form"].errors["code"] == [UNKNOWN], attempt

    client.cookies.clear()
    response = client.post(CODE_ENTER, {"code": generate_code()}, **ip)
    assert response.status_code == 429
    assert error_of(response) == NETWORK_TOO_MANY
    assert response["Retry-After"] == str(CODE_GUESSES.seconds)
    # Unseen: a code is not looked at, so the refusal tells a guesser nothing.
    client.cookies.clear()
    claim_code = ClaimCodeFactory()
    response = client.post(CODE_ENTER, {"code": claim_code.display}, **ip)
    assert response.status_code == 429
    assertContains(
        response,
        f'<a class="button" href="{signup_url(CODE_ENTER)}">Account aanmaken</a>',
        status_code=429,
        html=True,
    )
    # Another network is not affected.
    response = client.post(CODE_ENTER, {"code": claim_code.display}, REMOTE_ADDR="203.0.113.10")
    assert response.status_code == 302


def test_a_person_behind_a_throttled_network_can_still_redeem_a_valid_code(client, user):
    ip = {"REMOTE_ADDR": "203.0.113.20"}
    for _ in range(CODE_GUESSES.attempts):
        record_failure(limit=CODE_GUESSES, keys=["ip:203.0.113.20"])
    claim_code = ClaimCodeFactory()
    client.force_login(user)

    # Typed in the form ...
    response = client.post(CODE_ENTER, {"code": claim_code.display}, **ip)
    assert response["Location"] == WELCOME
    assert Membership.objects.get(user=user).code == claim_code

    # ... or with the button on the page behind the QR code.
    other, other_code = UserFactory(), ClaimCodeFactory()
    client.force_login(other)
    response = client.post(f"/exemplaar/code/{other_code.display}/", **ip)
    assert response["Location"] == WELCOME
    assert Membership.objects.get(user=other).code == other_code


def test_a_person_behind_a_throttled_network_is_served_on_their_own_budget(client, user):
    for _ in range(CODE_GUESSES.attempts):
        record_failure(limit=CODE_GUESSES, keys=["ip:127.0.0.1"])
    client.force_login(user)
    response = fail_codes(client, CODE_FAILURES.attempts)
    assert response.context["form"].errors["code"] == [UNKNOWN]
    assert client.post(CODE_ENTER, {"code": "x"}).status_code == 429


def test_codes_that_fail_count_and_malformed_ones_do_not(client):
    """A malformed code is refused without looking anything up: it is not counted, and
    no session is started for it."""
    ClaimCodeFactory(code="7KQ4M2XD9TRA5B1C", status=CodeStatus.REVOKED)
    for _ in range(CODE_FAILURES.attempts + 1):
        response = client.post(CODE_ENTER, {"code": "not-a-code"})
        assert response.context["form"].errors["code"] == [MALFORMED]
    assert "sessionid" not in client.cookies
    assert failures(limit=CODE_GUESSES, key="ip:127.0.0.1") == 0

    client.post(CODE_ENTER, {"code": "7KQ4-M2XD-9TRA-5B1C"})
    client.post(CODE_ENTER, {"code": "0000-0000-0000-0000"})

    assert failures(limit=CODE_GUESSES, key="ip:127.0.0.1") == 2
    session = f"session:{client.cookies['sessionid'].value}"
    assert failures(limit=CODE_FAILURES, key=session) == 2


def test_a_member_entering_a_valid_code_is_not_counted_as_failure(member_client):
    claim_code = ClaimCodeFactory()
    for _ in range(CODE_FAILURES.attempts + 1):
        response = member_client.post(CODE_ENTER, {"code": claim_code.display})
        assert response.status_code == 302


def test_showing_the_code_form_is_never_limited(client):
    fail_codes(client, CODE_FAILURES.attempts)
    assert client.get(CODE_ENTER).status_code == 200


def test_the_code_page_still_shows_a_valid_code_to_someone_who_is_limited(client, user):
    """The limit is on attempts (the button); looking is never one."""
    claim_code = ClaimCodeFactory()
    client.force_login(user)
    fail_codes(client, CODE_FAILURES.attempts)
    response = client.get(f"/exemplaar/code/{claim_code.display}/")
    assert response.status_code == 200
    assert response.context["claim_code"] == claim_code


# Mijn exemplaar and invitations


def test_my_copy_asks_anonymous_visitors_to_log_in(client):
    assert client.get(MINE)["Location"].startswith(reverse("account_login"))


def test_my_copy_sends_non_members_to_claim(client, user):
    client.force_login(user)
    response = client.get(MINE, follow=True)
    assert response.redirect_chain == [(CLAIM, 302)]
    assert messages_of(response) == ["Je hebt nog geen exemplaar. Claim er hier een."]


def test_my_copy_shows_number_date_how_and_inviter(client, user):
    inviter = MembershipFactory(number=4)
    invitation = InvitationFactory(created_by=inviter)
    client.force_login(user)
    client.post(f"/uitnodiging/{invitation.token}/")

    html = client.get(MINE).content.decode()

    assert "nr. 5" in html
    assert "Uitnodiging" in html
    assert "doorgegeven door lid nr. 4" in html


def test_my_copy_lists_whom_i_passed_the_book_to_in_constant_queries(
    member_client, member, django_assert_max_num_queries
):
    membership = member.membership

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert member_client.get(MINE).status_code == 200
        return len(captured)

    InvitationFactory(created_by=membership, name="Open")
    baseline = count_queries()
    for number in range(5):
        invitation = InvitationFactory(created_by=membership, name=f"Buur {number}")
        MembershipFactory(invitation=invitation, invited_by=membership, how=How.INVITATION)
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at="2026-03-01T10:00:00Z")

    assert count_queries() == baseline
    html = member_client.get(MINE).content.decode()
    assert "Buur 4" in html and "lid geworden als nr." in html
    assert "nog niet gebruikt" in html


def test_member_makes_an_invitation_link(member_client, member):
    response = member_client.post(
        "/mijn-exemplaar/uitnodigen/", {"name": "Henk van de buurtvereniging"}, follow=True
    )
    assert response.redirect_chain == [(MINE + "#uitnodigingen", 302)]
    invitation = Invitation.objects.get()
    assert invitation.created_by == member.membership
    assert messages_of(response) == [
        "Je uitnodiging is klaar. Stuur de link naar wie je het boek wilt geven."
    ]
    assert f"http://testserver/uitnodiging/{invitation.token}/" in response.content.decode()


def test_too_long_invitation_name_is_refused(member_client):
    response = member_client.post("/mijn-exemplaar/uitnodigen/", {"name": "x" * 201})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [
        "Die naam is te lang. Gebruik hoogstens 200 tekens."
    ]
    assert not Invitation.objects.exists()


def test_non_member_cannot_make_invitations(client, user):
    client.force_login(user)
    response = client.post("/mijn-exemplaar/uitnodigen/", {"name": ""})
    assert response["Location"] == CLAIM
    assert not Invitation.objects.exists()


def test_invitations_are_made_by_post_only(member_client):
    assert member_client.get("/mijn-exemplaar/uitnodigen/").status_code == 405


def test_invitation_page_names_the_inviter_and_leads_through_signup(client):
    invitation = InvitationFactory(created_by=MembershipFactory(number=3))
    path = f"/uitnodiging/{invitation.token}/"
    page = client.get(path)
    assert "Lid nr. 3 geeft het boek aan jou door." in page.content.decode()
    assert signup_url(path) in hrefs(page, "main a")
    assert client.post(path)["Location"] == signup_url(path)


def test_accepting_an_invitation_makes_an_invited_member(client, user):
    invitation = InvitationFactory()
    client.force_login(user)
    response = client.post(f"/uitnodiging/{invitation.token}/", follow=True)
    assert response.redirect_chain == [(WELCOME, 302)]
    membership = Membership.objects.get(user=user)
    assert membership.how == How.INVITATION
    assert membership.invited_by == invitation.created_by


def test_used_invitation_says_so(client, user):
    invitation = InvitationFactory()
    client.force_login(UserFactory())
    client.post(f"/uitnodiging/{invitation.token}/")
    client.force_login(user)
    for response in (
        client.get(f"/uitnodiging/{invitation.token}/"),
        client.post(f"/uitnodiging/{invitation.token}/"),
    ):
        assert "Deze uitnodiging is al gebruikt. Een uitnodiging werkt één keer." in (
            response.content.decode()
        )
    assert not Membership.objects.filter(user=user).exists()


def test_unknown_invitation_says_so(client):
    html = client.get("/uitnodiging/bestaat-niet/").content.decode()
    assert "Deze uitnodiging kennen we niet. Vraag om een nieuwe link." in html


def test_member_opening_an_invitation_leaves_it_open(member_client, member):
    invitation = InvitationFactory()
    path = f"/uitnodiging/{invitation.token}/"
    assert "Laat deze uitnodiging liggen" in member_client.get(path).content.decode()
    response = member_client.post(path, follow=True)
    assert messages_of(response) == [f"Je bent al lid, met nummer {member.membership.number}."]
    invitation.refresh_from_db()
    assert invitation.is_open


def test_scanned_code_survives_login_and_is_claimed(client):

    claim_code = ClaimCodeFactory()
    path = f"/exemplaar/code/{claim_code.display}/"
    user = UserFactory(email="lezer@example.org")
    EmailAddressFactory(user=user)
    login_link = f"{reverse('account_login')}?{urlencode({'next': path})}"
    assert login_link in hrefs(client.get(path), "main a")

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "correct horse battery staple", "next": path},
    )
    assert response["Location"] == path
    response = client.post(path, follow=True)

    assert response.redirect_chain == [(WELCOME, 302)]
    assert Membership.objects.get(user=user).code == claim_code
