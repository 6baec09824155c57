"""The branch treasurer on a 390-px phone: this month's sheet, 李 ticked as paid, the rest of the
sheet marked paid at once, and the arrears shrink."""

from playwright.sync_api import expect

from partybuild.models import DuesMonth
from tests.e2e.test_phone_journeys import small_targets
from tests.factories import PASSWORD


def test_the_treasurer_records_the_months_dues_on_a_phone(world, live_server, phone, login,
                                                          screenshot):  # fmt: skip
    li = world.party_members[1]
    login(phone, live_server, "peggy", PASSWORD)
    phone.get_by_role("button", name="展开导航").click()
    phone.get_by_role("button", name="党建").click()
    phone.get_by_role("link", name="党费", exact=True).click()
    committee = world.party_organizations[0]
    phone.get_by_role("link", name=committee.name).click()
    expect(phone.get_by_role("heading", name=f"{committee.name}")).to_be_visible()
    assert small_targets(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "dues-sheet-phone")

    phone.get_by_text(li.name).click()
    phone.get_by_role("button", name="登记勾选的党员已交").click()
    expect(phone.get_by_text("已登记 1 名党员")).to_be_visible()
    phone.get_by_role("button", name="本页全部标记为已交（1 人）").click()
    expect(phone.get_by_text("已登记 1 名党员")).to_be_visible()
    expect(phone.get_by_role("button", name="登记勾选的党员已交")).to_have_count(0)
    assert not DuesMonth.objects.filter(month=DuesMonth.objects.latest("month").month,
                                        paid_on__isnull=True).exists()  # fmt: skip

    phone.goto(f"{live_server.url}/partybuild/dues/arrears/")
    expect(phone.get_by_role("heading", name="欠交党费")).to_be_visible()
    assert small_targets(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "dues-arrears-phone")
