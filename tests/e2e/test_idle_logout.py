"""An idle logout warns first, and keeps what was typed for after signing back in."""

import re

from playwright.sync_api import expect

from tests.conftest import SECRET
from tests.factories import PASSWORD

TYPED = f"{SECRET}3号楼电梯停运，住户反映"


def test_what_was_typed_before_an_idle_logout_is_there_after_signing_back_in(
    world, live_server, page, login, settings
):
    settings.STAFF_SESSION_IDLE_SECONDS = 10  # the warning then comes at half of it
    login(page, live_server, "alice", PASSWORD)
    form_url = f"{live_server.url}/residents/field-log/add/"
    page.goto(form_url)
    seen = page.locator("textarea[name=seen]")
    seen.fill(TYPED)

    warning = page.get_by_role("alertdialog")
    expect(warning).to_contain_text("后将自动退出", timeout=10_000)
    warning.get_by_role("button", name="继续工作").click()
    expect(warning).to_be_hidden()

    # Left alone again, the page gives way to the login page.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="), timeout=20_000)
    expect(page.get_by_text("长时间未操作，已自动退出，请重新登录。")).to_be_visible()
    settings.STAFF_SESSION_IDLE_SECONDS = 1800  # time enough, on a busy machine, for the rest
    page.locator("input[name=login]").fill("alice")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()

    expect(page).to_have_url(form_url)
    expect(seen).to_have_value(TYPED)
    expect(page.get_by_text("已恢复退出登录前未提交的内容，请核对后提交。")).to_be_visible()

    # Saved, the draft is done with: the form opens empty next time.
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("民情日志已保存。")).to_be_visible()
    page.goto(form_url)
    expect(seen).to_have_value("")
    expect(page.get_by_text("已恢复退出登录前未提交的内容")).to_have_count(0)


def test_drafts_never_keep_id_or_mobile_numbers(world, live_server, page, login):
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/residents/add/")
    page.locator("input[name=name]").fill(f"赵{SECRET}")
    page.locator("input[name=id_number]").fill("370301195003070011")
    page.locator("input[name=mobile]").fill("13800001111")
    page.locator("textarea[name=notes]").fill("行动不便")

    stored = page.evaluate(
        "Object.keys(sessionStorage).filter(k => k.startsWith('shequ.draft:'))"
        ".map(k => sessionStorage.getItem(k)).join()"
    )
    assert f"赵{SECRET}" in stored
    assert "行动不便" in stored
    assert "370301195003070011" not in stored
    assert "13800001111" not in stored
    assert "csrfmiddlewaretoken" not in stored
