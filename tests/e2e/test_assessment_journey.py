"""The month in a browser: the street's official checks its communities, the district official
publishes, a community's staff appeal an inspected score from a phone with a photo, the
district official accepts, and the ranking changes, on 月考核 and on the dashboard with its red
flag."""

from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Inspection, Scheme
from assessments.scoring import score_month
from shequ.metrics import Period
from shequ.models import Role
from tests.factories import PASSWORD, CommunityFactory, UserFactory, assign, png_bytes

PERIOD = Period.of(timezone.localdate())


def _rank_of(page, community: str) -> str:
    return page.locator("tr", has=page.get_by_role("link", name=community)).locator("td").first


def test_review_publish_appeal_accept_and_the_ranking_changes(
    world, live_server, page, login, browser, tmp_path
):
    # A neighbour one mark ahead: its tidy stairwells scored 9 against alice's 8.
    rival = CommunityFactory(street=world.street, name="邻家社区", code="370301001002")
    tidy = Scheme.objects.get(district=world.district).indicators.get(name="楼道整洁")
    Inspection.objects.create(indicator=tidy, community=rival, month=PERIOD.first,
                              score=Decimal(9), evidence="整洁。", inspector=world.bob)  # fmt: skip
    score_month(world.district, PERIOD)
    steve = UserFactory(username="steve", name="史蒂夫")
    assign(steve, Role.OFFICIAL, world.street)
    month_page = f"{live_server.url}/assessments/?month={PERIOD}"

    login(page, live_server, "steve", PASSWORD)
    page.goto(month_page)
    page.get_by_placeholder("审核意见（可不填）").fill("两个社区逐项核对无误")
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_test_id(f"review-{world.street.pk}")).to_contain_text("已审核")
    page.context.clear_cookies()

    login(page, live_server, "bob", PASSWORD)
    page.goto(month_page)
    expect(_rank_of(page, world.community.name)).to_have_text("2")
    page.locator("summary", has_text="发布").click()
    page.get_by_role("button", name="确认发布").click()
    expect(page.get_by_test_id("month-state")).to_have_text("已发布")
    dashboard = f"{live_server.url}/assessments/dashboard/?month={PERIOD}"
    page.goto(dashboard)
    expect(page.get_by_test_id("red-flags")).to_contain_text(f"全区流动红旗：{rival.name}")

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    staff = phone.new_page()
    login(staff, live_server, "alice", PASSWORD)
    staff.goto(month_page)
    staff.get_by_role("link", name=world.community.name).click()
    staff.locator("tr", has_text="楼道整洁").get_by_role("link", name="申诉").click()
    staff.get_by_label("申诉理由").fill("检查当天的杂物是住户搬家临时堆放，下午已清走。")
    photo = tmp_path / "清理后.png"
    photo.write_bytes(png_bytes())
    staff.get_by_label("照片").set_input_files(photo)
    staff.get_by_role("button", name="保存").click()
    expect(staff.locator(".alert-success")).to_contain_text("已提交申诉")
    expect(staff.get_by_test_id("appeal-state")).to_have_text("待处理")
    staff.screenshot(path=tmp_path / "appeal-phone.png", full_page=True)
    phone.close()

    page.goto(f"{live_server.url}/assessments/appeals/?state=pending")
    page.get_by_role("link", name=timezone.localdate().strftime("%Y-%m-%d")).first.click()
    expect(page.get_by_role("main")).to_contain_text("下午已清走")
    expect(page.locator("img[alt^='证明照片']")).to_have_count(1)
    page.get_by_label("采纳，调整得分并重新发布").check()
    page.get_by_label("调整后得分").fill("10")
    page.get_by_label("答复").fill("经复核属实，按满分计。")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("appeal-state")).to_have_text("已采纳")
    expect(page.get_by_test_id("marks-after")).to_have_text("10.00")

    page.goto(month_page)
    expect(_rank_of(page, world.community.name)).to_have_text("1")
    expect(_rank_of(page, rival.name)).to_have_text("2")
    # The dashboards read the month's new publication: the ranking and the red flag follow.
    page.goto(dashboard)
    expect(_rank_of(page, world.community.name)).to_have_text("1")
    expect(page.get_by_test_id("red-flags")).to_contain_text(
        f"全区流动红旗：{world.community.name}"
    )
