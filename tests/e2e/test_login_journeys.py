"""Logging in, as each kind of user sees it in the browser."""

import re

from playwright.sync_api import expect

from tests.conftest import SECRET
from tests.factories import PASSWORD, CommunityFactory, StreetFactory


def test_community_worker_logs_in_by_username_or_phone_and_sees_her_community(
    world, live_server, page, login
):
    login(page, live_server, "alice", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="爱丽丝，您好")).to_be_visible()
    scope = page.get_by_test_id("scope")
    expect(scope).to_contain_text("社区工作人员")
    expect(scope).to_contain_text(f"{SECRET}区 / {SECRET}街道 / {SECRET}社区")
    expect(page.get_by_role("link", name=f"{SECRET}社区：社区概况、网格与工作人员")).to_be_visible()

    # Log out through the user menu, then back in with the mobile number instead.
    page.get_by_role("button", name="爱丽丝").click()
    with page.expect_navigation():
        page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("button", name="爱丽丝")).to_have_count(0)

    login(page, live_server, "13900000001", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="爱丽丝，您好")).to_be_visible()
    expect(page.get_by_test_id("scope")).to_contain_text(f"{SECRET}社区")


def test_district_official_sees_only_the_communities_of_his_district(
    world, live_server, page, login
):
    sibling = CommunityFactory(
        street=StreetFactory(district=world.district, name=f"{SECRET}东街道", code="370301002"),
        name=f"{SECRET}东社区",
        code="370301002001",
    )

    login(page, live_server, "bob", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="鲍勃，您好")).to_be_visible()
    expect(page.get_by_test_id("scope")).to_contain_text(f"街道/区级领导 {SECRET}区")
    expect(page.get_by_test_id("count-communities")).to_have_text("2")
    home_table = page.locator(".card", has_text="辖区社区").get_by_role("table")
    expect(home_table.get_by_role("link", name=world.community.name)).to_be_visible()
    expect(home_table.get_by_role("link", name=sibling.name)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(world.other_community.name)

    page.get_by_role("navigation").get_by_role("link", name="社区", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/communities/")
    expect(page.get_by_role("heading", name="社区", exact=True)).to_be_visible()
    rows = page.locator("#object-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=world.community.name)).to_contain_text(f"{SECRET}街道")
    expect(rows.filter(has_text=sibling.name)).to_contain_text(f"{SECRET}东街道")
    expect(page.locator("body")).not_to_contain_text(world.other_community.name)


def test_wrong_password_shows_an_error_in_place(world, live_server, page, login):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.get_by_placeholder("用户名、手机号码或电子邮箱")).to_be_visible()

    login(page, live_server, "alice", "not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("alert")).to_contain_text("密码不正确")
    expect(page.locator("input[name=login]")).to_have_value("alice")
    expect(page.locator("input[name=password]")).to_have_value("")
    expect(page.get_by_role("button", name="爱丽丝")).to_have_count(0)
