"""A member joins through a municipality's page, a coordinator verifies the affiliation
and prints a batch of codes, and the municipality's page shows the new member's story:
on a phone and on a desktop, every page checked by axe."""

from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from organisations.models import Affiliation, Coordinator, Organisation, OrganisationBatch
from stories.models import Status
from tests.factories import StoryFactory, UserFactory

from .accounts import PASSWORD, verified_account
from .conftest import VIEWPORTS


def page_for(browser, live_server, viewport, user):
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", **VIEWPORTS[viewport])
    page = context.new_page()
    # The real login form; on a phone the menu is folded, so the message tells it worked.
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(user.email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('main form button[type="submit"]').click()
    expect(page.get_by_text(f"Je bent ingelogd als {user.email}.")).to_be_visible()
    return page


def test_join_via_a_municipality_verify_print_and_see_the_story(
    browser, live_server, demo_book, viewport, axe_check
):
    zwolle = Organisation.objects.get(cbs_code="GM0193")
    zwolle.batch_quota = 20
    zwolle.save()
    coordinator = verified_account(f"coordinator.{viewport}@example.org")
    Coordinator.objects.create(organisation=zwolle, membership=coordinator.membership)
    newcomer = UserFactory(email=f"nieuw.{viewport}@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=newcomer, email=newcomer.email, verified=True, primary=True)

    # The newcomer, with an account but no copy yet, joins through Zwolle's page.
    page = page_for(browser, live_server, viewport, newcomer)
    page.goto("/gemeenten/zwolle/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zwolle")
    axe_check(page)
    page.get_by_role("combobox", name="Ik").select_option("works")
    page.get_by_role("button", name="Word lid via Zwolle").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom, lid nr.")
    affiliation = Affiliation.objects.get(membership__user=newcomer)
    assert (affiliation.organisation, affiliation.public, affiliation.verified) == (
        zwolle,
        True,
        False,
    )
    story = StoryFactory(
        author=affiliation.membership, chapter=demo_book[0], title="Het bankje bij de bieb"
    )
    assert story.status == Status.PUBLISHED

    # The coordinator verifies the affiliation and prints a batch of codes.
    manage = page_for(browser, live_server, viewport, coordinator)
    manage.goto("/organisaties/zwolle/beheer/")
    axe_check(manage)
    manage.get_by_role("button", name="Bevestigen").click()
    expect(manage.get_by_text("De verbinding is bevestigd.")).to_be_visible()
    affiliation.refresh_from_db()
    assert affiliation.verified
    manage.get_by_role("textbox", name="Naam").fill("Bibliotheek Zwolle")
    manage.get_by_role("spinbutton", name="Aantal codes").fill("5")
    manage.get_by_role("button", name="Reeks maken").click()
    expect(manage.get_by_text("De reeks codes is gemaakt.")).to_be_visible()
    axe_check(manage)
    batch = OrganisationBatch.objects.filter(organisation=zwolle).latest("pk").batch
    assert batch.codes.count() == 5
    manage.get_by_role("link", name="Etiketten").first.click()
    # The newest batch's sheet: its five codes, no other batch's.
    expect(manage.locator(".label")).to_have_count(5)

    # Everyone sees the new member's story on Zwolle's page.
    page.context.clear_cookies()
    page.goto("/gemeenten/zwolle/")
    expect(page.get_by_role("link", name="Het bankje bij de bieb")).to_be_visible()
    axe_check(page)
