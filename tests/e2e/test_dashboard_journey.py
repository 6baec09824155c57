"""考核看板 in a browser: an official opens it from the menu, ECharts draws each chart from the
page (no request of its own, nothing from outside the site), a community's name leads to its
twelve months, the page prints on A4 with its tables and without its controls, and a phone
scrolls the tables rather than the page."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

# The printable width of A4 landscape at 96 px per inch, less the stylesheet's 10 mm margins.
A4_LANDSCAPE = 277 * 96 / 25.4


@pytest.fixture
def requests_made(page):
    """Every URL the page asks for."""
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def test_an_official_reads_the_ranking_and_a_communitys_year(
    world, live_server, page, login, requests_made
):
    login(page, live_server, "bob", PASSWORD)
    page.locator("#main-nav").get_by_role("button", name="考核").click()
    requests_made.clear()
    page.get_by_role("link", name="考核看板").click()
    expect(page.get_by_role("heading", name="考核看板 · 排名")).to_be_visible()
    chart = page.locator(".chart svg")
    expect(chart).to_have_count(1)
    # The chart's own text is drawn from the page's figures, in Chinese.
    expect(chart.locator("text", has_text=world.community.name)).to_have_count(1)
    expect(chart.locator("text", has_text="总分")).not_to_have_count(0)
    expect(page.get_by_test_id("red-flags")).to_contain_text("全区流动红旗")
    # The page itself, then only this site's static files: the figures came with the page.
    assert requests_made[0] == f"{live_server.url}/assessments/dashboard/"
    assert all(url.startswith(f"{live_server.url}/static/") for url in requests_made[1:])

    page.locator("table").get_by_role("link", name=world.community.name).click()
    expect(page.get_by_role("heading", name="考核看板 · 趋势")).to_be_visible()
    expect(page.locator(".chart svg text", has_text="全区平均")).not_to_have_count(0)


def test_a_dashboard_prints_its_charts_and_tables_on_a4(world, live_server, page, login):
    login(page, live_server, "bob", PASSWORD)
    page.set_viewport_size({"width": int(A4_LANDSCAPE), "height": 1000})
    page.goto(f"{live_server.url}/assessments/dashboard/inspections/")
    expect(page.locator(".chart svg")).to_have_count(1)
    page.emulate_media(media="print")
    for furniture in (page.locator("nav.navbar"), page.locator(".dashboard-tabs"),
                      page.locator("form.list-filters"), page.get_by_role("button", name="打印"),
                      page.get_by_role("link", name="导出 Excel")):  # fmt: skip
        expect(furniture).to_be_hidden()
    expect(page.locator(".dashboard-figure table")).to_have_count(3)
    for width in page.locator(".chart svg, .dashboard-figure table").evaluate_all(
        "nodes => nodes.map(n => n.getBoundingClientRect().width)"
    ):
        assert width <= A4_LANDSCAPE
    assert page.pdf(format="A4", landscape=True).startswith(b"%PDF")


def test_on_a_phone_the_tables_scroll_and_the_page_does_not(world, live_server, phone, login):
    login(phone, live_server, "alice", PASSWORD)
    phone.goto(f"{live_server.url}/assessments/dashboard/breakdown/")
    expect(phone.get_by_role("heading", name="考核看板 · 指标得分率")).to_be_visible()
    expect(phone.locator(".chart svg")).to_have_count(1)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
