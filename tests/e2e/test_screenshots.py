"""The README's screenshots, taken from the demo data on every run so the pages they show are
proven to render; written to docs/screenshots/ only with SHEQU_WRITE_SCREENSHOTS=1:

    SHEQU_WRITE_SCREENSHOTS=1 make test PYTEST_ARGS="tests/e2e/test_screenshots.py"
"""

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from playwright.sync_api import expect

from shequ.demo import DEMO_PASSWORD


@pytest.fixture
def demo(transactional_db) -> None:
    # A transactional test's flush removes the tags the migration seeds; the demo needs them.
    importlib.import_module("residents.migrations.0002_resident_tags").create_tags(apps, None)
    call_command("seed_demo", stdout=io.StringIO())


def test_the_readme_screenshots_show_the_demo(demo, live_server, page, phone, login, screenshot):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    screenshot(page, "login")

    login(page, live_server, "quzhang", DEMO_PASSWORD)
    page.reload()  # without the one-off "signed in" message
    expect(page.get_by_role("heading", name="王区长，您好")).to_be_visible()
    expect(page.get_by_test_id("count-communities")).to_have_text("12")
    screenshot(page, "home-official")
    page.context.clear_cookies()

    login(page, live_server, "shequ", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/residents/?age_group=60%2B")
    table = page.locator("#object-table")
    expect(table.get_by_role("row")).to_have_count(26)  # the header and a page of 25
    expect(page.get_by_label("年龄段")).to_have_value("60+")
    screenshot(page, "residents")

    page.goto(f"{live_server.url}/residents/buildings/")
    page.locator("#object-table").get_by_role("link", name="1号楼", exact=True).click()
    expect(page.get_by_role("heading", name="1号楼")).to_be_visible()
    expect(page.get_by_role("columnheader", name="2 单元")).to_be_visible()
    screenshot(page, "building")

    page.context.clear_cookies()
    login(page, live_server, "quzhang", DEMO_PASSWORD)
    page.locator("#main-nav").get_by_role("button", name="考核").click()
    page.get_by_role("link", name="月考核").click()
    expect(page.get_by_test_id("month-state")).to_have_text("已发布")
    page.get_by_role("link", name="下个月").click()  # this month, as computed so far
    expect(page.get_by_test_id("month-state")).to_have_text("已计算")
    page.locator("table").get_by_role("link", name="幸福社区").click()
    expect(page.get_by_test_id("total")).to_be_visible()
    expect(page.get_by_text("诉求按时办结率：")).to_be_visible()
    screenshot(page, "assessment-score")

    page.locator("#main-nav").get_by_role("button", name="考核").click()
    page.get_by_role("link", name="考核看板").click()
    page.get_by_role("link", name="趋势").click()
    expect(page.locator(".chart svg text", has_text="全区平均")).not_to_have_count(0)
    screenshot(page, "assessment-dashboard")

    login(phone, live_server, "wangge", DEMO_PASSWORD)
    phone.goto(f"{live_server.url}/residents/field-log/add/")
    expect(phone.get_by_role("heading", name="写民情日志")).to_be_visible()
    expect(phone.get_by_label("网格").locator("option:checked")).to_have_text("第1网格")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "field-log-phone")

    phone.context.clear_cookies()
    login(phone, live_server, "jumin", DEMO_PASSWORD)
    phone.goto(f"{live_server.url}/volunteers/sign-ups/mine/")
    expect(phone.get_by_text("候补第 3 位")).to_be_visible()
    expect(phone.get_by_role("button", name="确认参加")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "volunteer-sign-ups-phone")

    page.context.clear_cookies()
    login(page, live_server, "quzhang", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/volunteers/participation/")
    expect(page.get_by_test_id("heading")).to_contain_text("示范区")
    screenshot(page, "volunteer-participation")
