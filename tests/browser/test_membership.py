"""Joining: sign up, verify the e-mail address, claim a copy (digital, or printed with the
code from the book), see the card, read a chapter for members, look at the member wall.

The live server runs in this process, so the verification mail is in Django's outbox
(the immediate task backend sends it during the request)."""

import re

from django.core import mail
from playwright.sync_api import expect

from book.models import Access
from members.models import ClaimCode, How, Membership, Profile

from .accounts import PASSWORD, verified_account
from .test_layout import _log_in as log_in_by_cookie
from .test_reading import first_paragraph
from .test_stories import jpeg

CONFIRM_LINK = re.compile(r"https?://\S+/confirm-email/\S+/")


def sign_up_and_verify(page, axe_check, email):
    """On the signup page: make an account, open the link from the mail, confirm."""
    expect(page).to_have_url(re.compile(r"/accounts/signup/\?next="))
    axe_check(page)
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password1"]').fill(PASSWORD)
    page.locator('input[name="password2"]').fill(PASSWORD)
    page.locator('main form button[type="submit"]').click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))
    (message,) = [m for m in mail.outbox if email in m.to]
    page.goto(CONFIRM_LINK.search(message.body).group(0))
    page.locator('main form button[type="submit"]').click()


def test_sign_up_verify_claim_a_digital_copy_see_the_card_and_read_on(
    page, demo_book, axe_check, screenshot
):
    expected_number = max(Membership.objects.values_list("number", flat=True)) + 1
    page.goto("/exemplaar/")
    axe_check(page)
    page.get_by_role("button", name="Claim mijn digitale exemplaar").click()

    sign_up_and_verify(page, axe_check, "nieuw.lid@example.org")

    # Back on the claim page, logged in, to finish.
    expect(page).to_have_url(re.compile(r"/exemplaar/$"))
    axe_check(page)
    screenshot(page, "claim")
    page.get_by_role("button", name="Claim mijn digitale exemplaar").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welkom, lid nr. {expected_number}")
    membership = Membership.objects.get(user__email="nieuw.lid@example.org")
    assert membership.number == expected_number and membership.how == How.DIGITAL

    page.get_by_role("link", name="Mijn lidmaatschapskaart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn lidmaatschapskaart")
    card = page.get_by_role("img", name=re.compile(rf"Lidmaatschapskaart nr\. {expected_number}"))
    expect(card).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=card.element_handle())
    assert card.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [1200, 630]
    axe_check(page)
    screenshot(page, "card")

    chapter = next(c for c in demo_book if c.access == Access.MEMBERS)
    page.goto(chapter.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(chapter.title)
    expect(page.get_by_text(first_paragraph(chapter))).to_be_visible()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Mijn exemplaar"
    ).click()
    page.get_by_role("contentinfo").get_by_role("link", name="Wie zijn er lid?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wie zijn er lid?")
    expect(page.get_by_text(re.compile(r"De gemeenschap telt \d+ leden\."))).to_be_visible()
    expect(page.get_by_text("Anouk Verbeek")).to_be_visible()
    expect(page.get_by_text("Daan Terpstra")).to_have_count(0)  # chose to be hidden
    axe_check(page)
    screenshot(page, "directory")


def test_claim_a_printed_copy_by_its_code_through_signup(page, demo_book, axe_check):
    claim_code = ClaimCode.objects.available().order_by("pk").first()
    page.goto(f"/exemplaar/code/{claim_code.display}/")
    expect(page.get_by_text(claim_code.display)).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Account aanmaken").click()
    sign_up_and_verify(page, axe_check, "gedrukt@example.org")

    expect(page).to_have_url(re.compile(rf"/exemplaar/code/{claim_code.display}/$"))
    page.get_by_role("button", name="Claim dit exemplaar").click()

    membership = Membership.objects.get(user__email="gedrukt@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Welkom, lid nr. {membership.number}"
    )
    assert membership.how == How.PRINTED and membership.code_id == claim_code.pk


def test_profile_shows_on_the_wall_and_the_shared_card_is_public(
    page, browser, demo_book, axe_check
):
    page.goto("/exemplaar/")
    page.get_by_role("button", name="Claim mijn digitale exemplaar").click()
    sign_up_and_verify(page, axe_check, "profiel@example.org")
    page.get_by_role("button", name="Claim mijn digitale exemplaar").click()

    page.goto("/mijn-exemplaar/profiel/")
    axe_check(page)
    page.get_by_role("textbox", name=re.compile("^Naam")).fill("Noor Visser")
    page.get_by_role("combobox", name=re.compile("^Rol")).select_option(label="Ondernemer")
    page.get_by_role("textbox", name=re.compile("^Over mij")).fill("Ik heb een fietsenwinkel.")
    page.get_by_role("radio", name=re.compile("^Mijn hele profiel")).check()
    page.get_by_role("button", name="Profiel bewaren").click()
    expect(page.get_by_text("Je profiel is bewaard.")).to_be_visible()

    page.goto("/leden/?role=entrepreneur")
    expect(page.get_by_text("Noor Visser")).to_be_visible()
    expect(page.get_by_text("Ik heb een fietsenwinkel.")).to_be_visible()

    page.goto("/mijn-exemplaar/kaart/")
    share_url = page.get_by_label("Link naar je kaart").input_value()
    stranger = browser.new_context()
    try:
        other = stranger.new_page()
        other.goto(share_url)
        expect(other.get_by_role("heading", level=1)).to_have_text(
            re.compile(r"^Noor Visser is lid nr\. \d+$")
        )
        axe_check(other)
    finally:
        stranger.close()


def test_a_chosen_photo_survives_a_mistake_in_the_profile_form(
    page, live_server, axe_check, viewport
):
    member = verified_account(f"foto.{viewport}@example.org")
    log_in_by_cookie(page, live_server, member)
    page.goto("/mijn-exemplaar/profiel/")
    page.get_by_label("Nieuwe foto kiezen").set_input_files(jpeg())
    # A bio too long (as a browser without maxlength would send it).
    page.locator('textarea[name="bio"]').evaluate("area => area.removeAttribute('maxlength')")
    page.get_by_role("textbox", name=re.compile("^Over mij")).fill("x" * 501)
    page.get_by_role("button", name="Profiel bewaren").click()
    kept = page.locator(".profile-photo__pending")
    expect(kept).to_contain_text("Je gekozen foto blijft bewaard")
    expect(kept.get_by_role("img", name="Je gekozen foto")).to_be_visible()
    assert kept.locator("img").evaluate("img => img.naturalWidth") > 0
    axe_check(page)
    page.get_by_role("textbox", name=re.compile("^Over mij")).fill("Kort.")
    page.get_by_role("button", name="Profiel bewaren").click()
    expect(page.get_by_text("Je profiel is bewaard.")).to_be_visible()
    page.goto("/mijn-exemplaar/profiel/")
    expect(page.get_by_role("img", name="Je huidige foto")).to_be_visible()
    assert Profile.objects.get(membership__user=member).photo
