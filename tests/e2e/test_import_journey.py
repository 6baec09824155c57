"""A community worker fills the downloaded Excel template and imports it; a file with a bad row
is refused with the reason, in Chinese, on the row's line."""

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from residents import excel
from residents.models import Resident
from shequ.excel import FIRST_DATA_ROW, HEADER_ROW
from tests.factories import PASSWORD, valid_id_number


def fill(template: bytes, rows: list[dict], path) -> str:
    """The template with `rows` (keyed by header, without the *) typed in, saved at `path`."""
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook[excel.TITLE]
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    for offset, row in enumerate(rows):
        for header, value in row.items():
            column = next(i for i, h in enumerate(headers, start=1) if h.rstrip("*") == header)
            sheet.cell(FIRST_DATA_ROW + offset, column, value)
    workbook.save(path)
    return str(path)


def person(room: str, number: str, relation: str, name: str, id_number: str) -> dict:
    return {"楼栋号": "1", "单元": 2, "门牌/室": room, "户号": number, "与户主关系": relation,
            "姓名": name, "证件号码": id_number}  # fmt: skip


def test_a_worker_imports_the_filled_template_and_sees_bad_rows_explained(
    world, live_server, page, login, tmp_path
):
    login(page, live_server, "alice", PASSWORD)
    page.goto(f"{live_server.url}/residents/")
    page.get_by_role("link", name="导入", exact=True).click()
    expect(page.get_by_role("heading", name="从人口信息采集表导入居民和住户")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载导入模板（.xlsx）").click()
    template = download.value.path().read_bytes()

    bad = fill(template, [
        person("601", "导入1", "户主", "钱守业", valid_id_number("19580101", 71)),
        person("602", "导入2", "户主", "孙文", "1.10105E+17"),
    ], tmp_path / "有错.xlsx")  # fmt: skip
    page.get_by_label("人口信息采集表").set_input_files(bad)
    page.get_by_role("button", name="上传并导入").click()

    expect(page.get_by_role("alert")).to_contain_text("有 1 行需要修改，整个文件都没有导入")
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name="4", exact=True))
    expect(row).to_contain_text("证件号码")
    expect(row).to_contain_text("科学计数法")
    assert not Resident.objects.filter(name="钱守业").exists()

    good = fill(template, [
        person("601", "导入1", "户主", "钱守业", valid_id_number("19580101", 71)),
        person("601", "导入1", "配偶", "孙文", valid_id_number("19600303", 72)),
    ], tmp_path / "改好.xlsx")  # fmt: skip
    page.get_by_label("人口信息采集表").set_input_files(good)
    page.get_by_role("button", name="上传并导入").click()

    expect(page).to_have_url(f"{live_server.url}/residents/")
    expect(page.get_by_role("alert")).to_contain_text("已导入 1 户、2 人。")
    table = page.locator("#object-table")
    expect(table).to_contain_text("钱守业")
    expect(table).to_contain_text("孙文")
    household = Resident.objects.get(name="钱守业").household
    assert household.head.name == "钱守业"
    assert sorted(household.members.values_list("name", flat=True)) == ["孙文", "钱守业"]
