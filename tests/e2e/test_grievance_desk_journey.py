"""The desk in a browser: staff register a walk-in case, accept it, reply and close it; a case
escalated to a department is answered by its handler on a phone and comes back to the
community, which replies to the resident; an official watches the district's figures move."""

import pytest
from playwright.sync_api import expect

from grievances import services
from grievances.choices import Channel, Kind, Level, State
from grievances.models import Category, Grievance
from grievances.models.stats import refresh_grievance_months
from shequ.celery import app
from tests.factories import PASSWORD


def take(page, step: str, **fields) -> None:
    """Open a step on the case page, fill its fields by label and confirm it."""
    panel = page.locator("details.step").filter(has=page.get_by_text(step, exact=True))
    panel.locator("summary").click()
    for label, value in fields.items():
        panel.get_by_label(label).fill(value)
    with page.expect_navigation():
        panel.get_by_role("button", name=f"确认{step}").click()


def test_staff_register_accept_reply_and_close_a_walk_in_case(
    world, live_server, page, login, tmp_path
):
    login(page, live_server, "alice", PASSWORD)
    page.locator("#main-nav").get_by_role("button", name="诉求").click()
    page.get_by_role("link", name="登记诉求").click()
    page.get_by_label("性质").select_option(label="投诉")
    page.get_by_label("渠道").select_option(label="来访")
    page.get_by_label("类别").select_option(label="环境卫生")
    page.get_by_label("事由").fill("楼下垃圾桶满了没人清")
    page.get_by_label("具体情况").fill("3号楼下的垃圾桶已经满了两天。")
    page.get_by_label("楼栋").select_option(index=1)
    page.get_by_label("反映人").fill("欧阳秀英")
    page.get_by_label("联系电话").fill("139 1234 5678")
    page.get_by_role("button", name="保存").click()

    case = Grievance.objects.get(title="楼下垃圾桶满了没人清")
    expect(page.get_by_text(f"已登记，编号 {case.register_number}")).to_be_visible()
    expect(page.get_by_test_id("contact-phone")).to_have_text("139****5678")
    page.screenshot(path=tmp_path / "case-desktop.png", full_page=True)

    take(page, "受理")
    expect(page.get_by_test_id("state")).to_have_text("已受理")
    take(page, "答复居民", 答复内容="已联系保洁公司清运，并电话告知。")
    expect(page.get_by_test_id("reply")).to_contain_text("已联系保洁公司清运")
    take(page, "办结")
    expect(page.get_by_test_id("state")).to_have_text("已办结")
    timeline = page.get_by_test_id("timeline")
    for kind in ("登记", "受理", "答复", "办结"):
        expect(timeline).to_contain_text(kind)
    case.refresh_from_db()
    assert case.state == State.CLOSED

    page.goto(f"{live_server.url}/grievances/")
    expect(page.locator("#object-table")).to_contain_text(case.register_number)
    page.screenshot(path=tmp_path / "list-desktop.png", full_page=True)


def test_a_department_answers_on_a_phone_and_the_case_comes_back_to_the_community(
    world, live_server, page, phone, login, tmp_path
):
    case = world.grievances[2]  # escalated to 城管局, dora's department
    login(phone, live_server, "dora", PASSWORD)
    phone.goto(f"{live_server.url}/grievances/")
    table = phone.locator("#object-table")
    expect(table).to_contain_text(case.register_number)
    expect(table).not_to_contain_text(world.grievances[3].register_number)
    table.get_by_role("link", name=case.register_number).click()
    phone.screenshot(path=tmp_path / "case-phone.png", full_page=True)
    take(phone, "答复并交回社区", 答复意见="已派执法队员清理占道摊点。")
    expect(phone.get_by_text("已答复，诉求交回社区。")).to_be_visible()
    phone.screenshot(path=tmp_path / "answered-phone.png", full_page=True)
    case.refresh_from_db()
    assert case.level == Level.COMMUNITY

    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    expect(page.get_by_test_id("timeline")).to_contain_text("已派执法队员清理占道摊点")
    take(page, "答复居民", 答复内容="城管已清理，欢迎继续监督。")
    expect(page.get_by_test_id("state")).to_have_text("已答复")


@pytest.fixture
def tasks_in_process():
    """Tasks run where they are enqueued, as without a broker: the figures are counted again
    after each step's commit, without a worker."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def figure(page, name: str) -> str:
    return (
        page.get_by_test_id("totals")
        .locator("div.col")
        .filter(has=page.get_by_text(name, exact=True))
        .locator("dd")
        .inner_text()
    )


def test_an_official_sees_the_numbers_move(
    world, live_server, page, phone, login, tmp_path, tasks_in_process
):
    refresh_grievance_months()  # the hourly run has counted what the district holds
    login(page, live_server, "bob", PASSWORD)
    page.locator("#main-nav").get_by_role("button", name="诉求").click()
    page.get_by_role("link", name="诉求统计").click()
    received, resolved = int(figure(page, "登记")), int(figure(page, "办结"))
    expect(page.locator("table")).to_contain_text(world.community.name)

    case = services.grievance_register(
        community=world.community, category=Category.objects.get(code="sanitation"),
        kind=Kind.COMPLAINT, channel=Channel.PHONE, title="垃圾桶满了", description="两天没清",
        by=world.alice, building=world.buildings[0],
    )  # fmt: skip
    services.grievance_accept(grievance=case, by=world.alice)
    services.grievance_reply(grievance=case, by=world.alice, reply="已清运")
    page.reload()
    assert int(figure(page, "登记")) == received + 1
    assert int(figure(page, "办结")) == resolved + 1
    assert figure(page, "按时办结率") != "—"
    page.get_by_label("分组").select_option(label="按类别")
    page.get_by_role("button", name="统计").click()
    expect(page.locator("table")).to_contain_text("环境卫生")
    page.screenshot(path=tmp_path / "statistics-desktop.png", full_page=True)

    # The same page on the official's phone: the figures first, no sideways scrolling.
    login(phone, live_server, "bob", PASSWORD)
    phone.goto(f"{live_server.url}/grievances/statistics/")
    assert int(figure(phone, "登记")) == received + 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=tmp_path / "statistics-phone.png", full_page=True)
