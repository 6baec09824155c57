"""On a 390-px phone: a party worker records a pair's visit from the pairing's page, and a member
signed in as a resident records a suggestion of their 四个一 and sees it filed at the desk."""

from playwright.sync_api import expect

from partybuild.models import FourOnesRecord, Pairing
from tests.e2e.test_phone_journeys import small_targets
from tests.factories import PASSWORD


def test_a_party_worker_records_a_pairing_visit_on_a_phone(
    world, live_server, phone, login, screenshot
):
    pairing = Pairing.objects.get()
    login(phone, live_server, "peggy", PASSWORD)
    phone.goto(f"{live_server.url}/partybuild/pairings/?overdue=on")
    expect(phone.get_by_text("已逾期")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("link", name=pairing.member.resident.name).click()
    phone.get_by_test_id("pairing-visit-add").click()
    phone.get_by_label(world.residents[2].name).check()
    phone.get_by_label("走访情况").fill("帮助申请临时救助")
    assert small_targets(phone) == []
    screenshot(phone, "party-pairing-visit-phone")
    phone.get_by_role("button", name="保存").click()

    expect(phone.get_by_role("alert")).to_contain_text("已记录走访")
    expect(phone.locator(".list-group").first).to_contain_text("帮助申请临时救助")
    expect(phone.get_by_test_id("pairing-overdue")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_member_records_a_suggestion_on_a_phone(world, live_server, phone, login, screenshot):
    login(phone, live_server, "rita", PASSWORD)
    phone.goto(f"{live_server.url}/partybuild/four-ones/records/")
    phone.get_by_role("link", name="登记").click()
    phone.get_by_label("项目").select_option(label="一条建议")
    phone.get_by_label("内容").fill("小区东门晚上没有路灯")
    assert small_targets(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "party-four-ones-phone")
    phone.get_by_role("button", name="保存").click()

    record = FourOnesRecord.objects.get(item="suggestion")
    expect(phone.get_by_role("alert")).to_contain_text(record.grievance.register_number)
    expect(phone.get_by_test_id("four-ones-case")).to_contain_text("已登记")
    assert (
        record.member == world.party_members[1]
        and record.grievance.resident == record.member.resident
    )
