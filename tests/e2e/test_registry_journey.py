"""A community worker registers a household of two, finds one by pinyin initials, opens the whole
ID number (which is logged) and exports the list."""

import io
import re

import openpyxl
from playwright.sync_api import expect

from residents.models import Resident
from shequ.models import AccessLog
from tests.factories import PASSWORD, valid_id_number

HEAD_ID = valid_id_number("19640312", 111)  # odd sequence: male
SPOUSE_ID = valid_id_number("19660918", 222)  # even sequence: female


def test_staff_registers_a_household_finds_a_resident_reveals_and_exports(
    world, live_server, page, login
):
    login(page, live_server, "alice", PASSWORD)

    page.goto(f"{live_server.url}{world.buildings[0].get_absolute_url()}")
    page.get_by_role("link", name="登记住户").click()
    page.get_by_label("单元").fill("2")
    page.get_by_label("门牌/室").fill("502")
    page.get_by_label("户号").fill("E2E-502")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("heading", name="登记居民")).to_be_visible()
    page.get_by_label("姓名").fill("欧阳建国")
    page.get_by_label("证件号码").fill(HEAD_ID.lower())
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已登记居民 欧阳建国。")).to_be_visible()

    page.get_by_role("link", name="登记成员").click()
    page.get_by_label("与户主关系").select_option(label="配偶")
    page.get_by_label("姓名").fill("林秀英")
    page.get_by_label("证件号码").fill(SPOUSE_ID)
    page.get_by_label("手机号码").fill("139 1234 5678")
    page.get_by_role("button", name="保存").click()
    members = page.locator("table").first
    expect(members).to_contain_text("欧阳建国")
    expect(members).to_contain_text("林秀英")
    assert Resident.objects.get(name="林秀英").sex == "F"

    page.locator("#main-nav").get_by_role("link", name="居民", exact=True).click()
    # htmx binds the search box when the page has loaded; typing earlier sends nothing.
    page.wait_for_load_state()
    page.get_by_label("搜索").fill("oyjg")
    table = page.locator("#object-table")
    expect(table).to_contain_text("欧阳建国")
    expect(table).not_to_contain_text("林秀英")
    expect(page).to_have_url(re.compile(r"q=oyjg"))

    table.get_by_role("link", name="欧阳建国").click()
    masked = "*" * 14 + HEAD_ID[-4:]
    expect(page.get_by_text(masked)).to_be_visible()
    page.get_by_role("button", name="查看完整号码（将记录）").click()
    expect(page.get_by_test_id("full-id")).to_have_text(HEAD_ID.upper())
    assert AccessLog.objects.filter(user=world.alice, action="view_personal_numbers").count() == 1

    page.locator("#main-nav").get_by_role("link", name="居民", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="导出", exact=True).click()
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row}
    assert "欧阳建国" in cells and masked in cells
    assert HEAD_ID not in cells
