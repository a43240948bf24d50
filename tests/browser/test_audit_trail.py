"""In Chromium: a site admin opens the audit trail from the menu, reads who viewed whose
support needs, narrows the list with the filters, and is told kindly about a bad date range;
the page passes axe-core on a phone and on a laptop, with nothing wider than the screen."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Page, expect

from codesign.core import audit
from participants.models import Profile
from tests.browser.accessibility import assert_accessible
from tests.browser.test_accounts_journey import sign_in
from tests.factories import PASSWORD, WorkshopFactory


def _no_sideways_scroll(page: Page) -> None:
    """Nothing in the page's main part is wider than the screen; on a phone, nothing at all.
    (On a laptop a site admin's long menu is the shared frame's concern, not this page's.)"""
    width = page.viewport_size["width"]
    main = page.evaluate("document.querySelector('main').scrollWidth")
    assert main <= width, f"the main part is {main}px wide"
    if width < 400:
        whole = page.evaluate("document.documentElement.scrollWidth")
        assert whole <= width, f"the page is {whole}px wide"


def test_site_admin_reads_and_filters_the_audit_trail(
    page: Page, admin, organiser, carer, settings
):
    settings.STAFF_MFA_REQUIRED = False
    organiser.profile.display_name = "Sam Organiser"
    organiser.profile.save()
    workshop = WorkshopFactory(title="Redesigning the clinic letter")
    audit.audit_log(
        actor=organiser,
        action=audit.VIEWED_SUPPORT_NEEDS,
        target=workshop,
        data={"page": "registrants"},
    )
    profile = Profile.objects.get(user=carer)
    profile.support_needs = ["step_free"]
    profile._history_user = carer
    profile.save()

    sign_in(page, admin.email, PASSWORD)
    page.goto("/")
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("link", name="Audit trail").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(
        page.get_by_text(
            "Sam Organiser viewed the support needs on the registrants list for "
            "Redesigning the clinic letter"
        )
    ).to_be_visible()
    expect(page.get_by_text("What changed: support needs")).to_be_visible()
    assert_accessible(page)
    _no_sideways_scroll(page)

    page.get_by_label("What happened").select_option(label="Changed support needs")
    page.get_by_role("button", name="Show records").click()
    expect(page.get_by_text("1 record matches.")).to_be_visible()
    expect(page.get_by_text("viewed the support needs")).to_have_count(0)

    today = timezone.localdate()
    page.get_by_label("From").fill(today.isoformat())
    page.get_by_label("To").fill((today - dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Show records").click()
    expect(
        page.get_by_text("The last day is before the first day. Choose a later day.")
    ).to_be_visible()
    expect(page.get_by_label("To")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    _no_sideways_scroll(page)

    page.get_by_role("link", name="Clear the filters").click()
    expect(page.get_by_text("2 records.")).to_be_visible()
