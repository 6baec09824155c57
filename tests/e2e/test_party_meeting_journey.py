"""三会一课 on a phone: the party affairs worker finds last quarter's missing committee meeting
of a branch, records it with its attendance (one member on leave, with the reason), and sees
the quarter's cell turn from missing to held."""

import datetime

from playwright.sync_api import expect

from partybuild.models import Attendance, OrganizationPost
from shequ.metrics import Quarter
from tests.e2e.test_phone_journeys import small_targets
from tests.factories import PASSWORD, ResidentFactory, add_party_member


def test_peggy_records_a_committee_meeting_on_a_phone(world, live_server, phone, login):
    branch1 = world.party_organizations[1]
    # Seven full members, so the branch has a committee (2018 regulations): 张 and six more,
    # 王 its deputy secretary since before last quarter.
    members = [
        add_party_member(ResidentFactory(household=world.households[0], full_name=f"党员{n}"),
                         branch1, world.peggy, joined_on=datetime.date(2000, 7, 1),
                         full_on=datetime.date(2001, 7, 1))
        for n in range(6)
    ]  # fmt: skip
    wang = members[0]
    OrganizationPost.objects.create(organization=branch1, member=wang, post="deputy",
                                    started_on=datetime.date(2023, 1, 1))  # fmt: skip
    quarter = Quarter.current().previous
    month = quarter.last.month

    login(phone, live_server, "peggy", PASSWORD)
    phone.get_by_role("button", name="展开导航").click()
    phone.get_by_role("button", name="党建").click()
    phone.get_by_role("link", name="三会一课落实情况").click()
    phone.get_by_role("link", name="上一季度").click()
    expect(phone.get_by_role("heading", name=f"三会一课落实情况 · {world.community.name} "
                                             f"{quarter.label}")).to_be_visible()  # fmt: skip
    cell = phone.get_by_test_id(f"cell-{branch1.pk}-committee-{month}")
    expect(cell).to_have_class("missing text-nowrap")
    expect(cell).to_contain_text("缺")
    phone.screenshot(path="/tmp/pa_compliance_phone.png", full_page=True)

    cell.get_by_role("link").click()
    expect(phone.get_by_role("heading", name="登记组织生活")).to_be_visible()
    expect(phone.locator("#roll")).to_contain_text("党员0")  # the deputy
    expect(phone.locator("#roll")).to_contain_text(world.party_members[0].resident.name)
    phone.get_by_label("主题").fill("研究季度党员发展工作")
    phone.locator(f"label[for=leave-{wang.pk}]").click()
    reason = phone.locator(f"#reason-{wang.pk}")
    expect(reason).to_be_visible()
    reason.fill("外出培训")
    assert small_targets(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path="/tmp/pa_meeting_form_phone.png", full_page=True)
    phone.get_by_role("button", name="保存").click()

    expect(phone.get_by_text("已保存")).to_be_visible()
    expect(phone.get_by_text("外出培训")).to_be_visible()
    leave = Attendance.objects.get(member=wang, meeting__topic="研究季度党员发展工作")
    assert (leave.presence, leave.reason) == ("leave", "外出培训")

    phone.goto(f"{live_server.url}/partybuild/meetings/compliance/?quarter={quarter}")
    cell = phone.get_by_test_id(f"cell-{branch1.pk}-committee-{month}")
    expect(cell).to_have_class("held text-nowrap")
    expect(cell).to_contain_text("已开")
