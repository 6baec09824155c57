"""Community staff bring past service records in from the downloaded template: a file with bad
rows is refused with each row's reason, readable at 1280 px and on a 390-px phone."""

import io
import os

from openpyxl import load_workbook
from playwright.sync_api import expect

from shequ.excel import FIRST_DATA_ROW, HEADER_ROW
from tests.factories import PASSWORD
from volunteers.excel import IMPORT_TITLE
from volunteers.models import ServiceRecord

SHOTS = os.environ.get("SHEQU_SHOTS_DIR")  # full pages to look at, when asked for


def fill(template: bytes, rows: list[dict], path) -> str:
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook[IMPORT_TITLE]
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    for offset, row in enumerate(rows):
        for header, value in row.items():
            column = next(i for i, h in enumerate(headers, start=1) if h.rstrip("*") == header)
            sheet.cell(FIRST_DATA_ROW + offset, column, value)
    workbook.save(path)
    return str(path)


def test_staff_upload_past_records_and_see_each_bad_row_explained(
    world, live_server, page, phone, login, screenshot, tmp_path
):
    leader = world.volunteers[0]
    good = {"姓名": leader.name, "证件号码": leader.resident.id_number, "服务日期": "2025-03-01",
            "服务内容": "敬老院探访", "服务时长（小时）": 2}  # fmt: skip
    before = ServiceRecord.objects.count()
    for each, name in ((page, "volunteer-import-errors"), (phone, "volunteer-import-errors-phone")):
        login(each, live_server, "alice", PASSWORD)
        each.goto(f"{live_server.url}/volunteers/records/")
        each.get_by_role("link", name="导入历史记录").click()
        expect(each.get_by_role("heading", name="导入纸质台账上的历史服务记录")).to_be_visible()
        with each.expect_download() as download:
            each.get_by_role("link", name="下载导入模板（.xlsx）").click()
        bad = fill(download.value.path().read_bytes(), [
            good,
            good,
            {**good, "证件号码": 1.10105194912310e17},
            {**good, "服务时长（小时）": "两小时"},
            {**good, "服务日期": "2023-05-01", "服务内容": ""},
        ], tmp_path / f"{name}.xlsx")  # fmt: skip
        each.get_by_label("历史服务记录导入表").set_input_files(bad)
        each.get_by_role("button", name="上传并导入").click()
        expect(each.get_by_role("alert")).to_contain_text("有 4 行需要修改，整个文件都没有导入")
        row = each.get_by_role("row").filter(has=each.get_by_role("cell", name="5", exact=True))
        expect(row).to_contain_text("被 Excel 存成了数字")
        screenshot(each, name)
        if SHOTS:
            each.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
    assert ServiceRecord.objects.count() == before
