"""四无 from the field to the notice board: a grid worker corrects this quarter's record of her
building on a phone, beside the field-log entry that concerns it; community staff confirm last
year's candidates and print the list of 文明楼院 and 文明户 on A4."""

from playwright.sync_api import expect

from assessments.models import FourNoRecord
from assessments.models.civility import Quarter, award_year
from tests.conftest import SECRET
from tests.e2e.test_phone_journeys import small_targets
from tests.e2e.test_print import A4
from tests.factories import PASSWORD, HouseholdFactory, ResidentFactory


def test_a_grid_worker_corrects_a_quarter_on_a_phone_beside_its_facts(world, live_server, phone,
                                                                       login):  # fmt: skip
    login(phone, live_server, "gina", PASSWORD)
    phone.get_by_role("button", name="展开导航").click()
    phone.get_by_role("button", name="考核").click()
    phone.get_by_role("link", name="四无记录", exact=True).click()
    expect(phone.get_by_role("heading", name=f"四无记录 · {world.community.name}")).to_be_visible()
    assert small_targets(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.get_by_role("link", name="修改").click()
    expect(phone.get_by_role("heading", name="修改四无记录")).to_be_visible()
    expect(phone.get_by_test_id("facts-no_mess")).to_contain_text(f"{SECRET}楼道堆放杂物")
    assert small_targets(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("group", name="清洁卫生无脏、乱、差").get_by_label("达标", exact=True).check()
    phone.get_by_role("button", name="保存").click()

    expect(phone.get_by_text("已保存四无记录")).to_be_visible()
    expect(phone.get_by_text("四无达标", exact=True)).to_be_visible()
    now = Quarter.current()
    record = FourNoRecord.objects.get(building=world.buildings[0], year=now.year,
                                      quarter=now.number)  # fmt: skip
    assert record.passed


def test_staff_confirm_the_candidates_and_print_the_list_on_a4(world, live_server, page, login):
    year = award_year()
    newcomer = HouseholdFactory(building=world.buildings[0], room="402")
    ResidentFactory(household=newcomer, full_name="新候选户主")
    newcomer.sync_head()
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/assessments/awards/candidates/?year={year}")
    expect(page.get_by_test_id("candidates")).to_contain_text("1 项尚未评定")
    page.get_by_text("全部确认", exact=True).click()
    page.get_by_role("button", name="确认全部").click()
    expect(page.get_by_text("已确认 1 项文明评选。")).to_be_visible()

    page.get_by_role("link", name="年度名单").click()
    expect(page.get_by_test_id("awarded-households")).to_contain_text("新候选户主")
    page.set_viewport_size({"width": int(A4["portrait"]), "height": 1000})
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.get_by_role("button", name="打印")).to_be_hidden()
    expect(page.get_by_text("居民委员会（盖章）")).to_be_visible()
    width = page.get_by_test_id("awarded-households").evaluate("t => t.scrollWidth")
    assert width <= A4["portrait"]
    assert page.pdf(format="A4").startswith(b"%PDF")
