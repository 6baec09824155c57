"""The 人口信息采集表 in Excel: the template, importing a filled one, exporting the list."""

import dataclasses
import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

import shequ.views.imports
from residents import excel
from residents.models import Household, Resident, ResidentTag
from residents.services import residents_import
from shequ.excel import FIRST_DATA_ROW, HEADER_ROW, LISTS_TITLE
from shequ.models import AccessLog
from shequ.models.scoping import roles_of
from tests.factories import valid_id_number

IMPORT = reverse("residents:resident_import")
TEMPLATE = reverse("residents:resident_import_template")
EXPORT = reverse("residents:resident_export")
HEADERS = [column.title for column in excel.COLUMNS]


def xlsx(rows: list[dict], name: str = "采集表.xlsx") -> SimpleUploadedFile:
    """The downloaded template filled in with rows keyed by header (without the *)."""
    workbook = load_workbook(io.BytesIO(excel.template_workbook()))
    sheet = workbook[excel.TITLE]
    for offset, row in enumerate(rows):
        for index, column in enumerate(excel.COLUMNS, start=1):
            if column.header in row:
                sheet.cell(FIRST_DATA_ROW + offset, index, row[column.header])
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def person(building="1", room="501", number="新1", relation="户主", name="赵大山", **more):
    return {"楼栋号": building, "门牌/室": room, "户号": number, "与户主关系": relation,
            "姓名": name, **more}  # fmt: skip


def sheet_rows(content: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(content), read_only=True)[excel.TITLE]
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_template_marks_required_headers_and_offers_dropdowns_and_text_columns(client, world):
    client.force_login(world.alice)
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:1] == [excel.TITLE] and "填写说明" in workbook.sheetnames
    sheet = workbook[excel.TITLE]
    header = [cell.value for cell in sheet[HEADER_ROW]]
    assert header[:7] == ["楼栋号*", "单元", "门牌/室*", "户号*", "户别", "与户主关系*", "姓名*"]
    assert sheet["A2"].fill.fgColor.rgb != sheet["B2"].fill.fgColor.rgb  # required stand out
    assert sheet.freeze_panes == f"A{FIRST_DATA_ROW}"

    letters = {
        title.rstrip("*"): sheet.cell(2, i).column_letter for i, title in enumerate(header, 1)
    }
    assert sheet.column_dimensions[letters["证件号码"]].number_format == "@"
    assert sheet.column_dimensions[letters["手机号码"]].number_format == "@"
    assert sheet.column_dimensions[letters["出生日期"]].number_format == "yyyy-mm-dd"

    lists = workbook[LISTS_TITLE]
    assert lists.sheet_state == "hidden"
    validations = {
        str(v.sqref).split(":")[0].rstrip("0123456789"): v
        for v in sheet.data_validations.dataValidation
    }
    for title in ("与户主关系", "民族", "性别", "政治面貌", "人户状态", "户籍类型", "楼栋号"):
        assert validations[letters[title]].type == "list", title
    ethnicities = validations[letters["民族"]].formula1
    assert re.fullmatch(rf"'{LISTS_TITLE}'!\$([A-Z]+)\$2:\$\1\$57", ethnicities)  # 56 rows
    options = {
        column[0]: [value for value in column[1:] if value is not None]
        for column in lists.iter_cols(values_only=True)
    }
    assert len(options["民族"]) == 56 and options["性别"] == ["男", "女"]
    # The buildings alice may register residents in fill the 楼栋号 dropdown.
    assert options["楼栋号"] == ["1", "2"]


def test_a_good_file_imports_households_and_residents_with_heads_tags_and_history(world):
    existing = world.households[0]
    tag = ResidentTag.objects.get(name="独居/空巢老人")
    file = xlsx([
        person(单元=2, 证件号码=valid_id_number("19600101", 41), 手机号码="138 0013 8000",
               重点人群="独居/空巢老人、残疾人", 民族="回族", 政治面貌="中共党员"),
        person(relation="配偶", name="錢小花", 单元=2, 证件号码=valid_id_number("19620202", 42),
               性别="女"),
        person(room="301", number=existing.number, relation="子", name="张小明", 单元=1,
               证件号码=valid_id_number("19800505", 4).lower()),  # ends in x
        person(building="2号楼", room="101", number="新2", name="Anna", 证件类型="护照",
               证件号码="E12345678", 性别="女", 出生日期=datetime.datetime(1985, 6, 7),
               户别="集体户"),
    ])  # fmt: skip
    before = Resident.objects.count()

    result = residents_import(user=world.alice, community=world.community, file=file)

    assert result.errors == []
    assert (result.households, result.residents) == (2, 4)
    assert Resident.objects.count() == before + 4
    head = Resident.objects.get(name="赵大山")
    household = head.household
    assert (household.number, household.unit, household.room) == ("新1", 2, "501")
    assert household.head == head and household.community == world.community
    assert set(household.members.values_list("name", flat=True)) == {"赵大山", "錢小花"}
    assert (head.sex, head.birth_date) == ("M", datetime.date(1960, 1, 1))
    assert head.ethnicity == "回族" and head.political_status == "party_member"
    assert set(head.tags.values_list("name", flat=True)) == {tag.name, "残疾人"}
    assert head.id_number == valid_id_number("19600101", 41)
    assert head.id_number not in head.id_number_ciphertext
    assert head.id_number_masked == "*" * 14 + head.id_number[-4:]
    assert head.mobile == "13800138000" and head.mobile_masked == "138****8000"
    spouse = Resident.objects.get(name="錢小花")
    assert spouse.name_simplified == "钱小花" and spouse.name_initials == "qxh"
    son = Resident.objects.get(name="张小明")
    assert son.household == existing
    assert son.id_number == valid_id_number("19800505", 4) and son.id_number.endswith("X")
    existing.refresh_from_db()
    assert existing.head == world.residents[0]  # a 子 does not replace the head
    anna = Resident.objects.get(name="Anna")
    assert (anna.document_type, anna.id_number, anna.birth_date) == (
        "passport", "E12345678", datetime.date(1985, 6, 7),
    )  # fmt: skip
    assert anna.household.building == world.buildings[1] and anna.household.kind == "collective"
    record = head.history.get()
    assert (record.history_type, record.history_user) == ("+", world.alice)
    household_record = household.history.get()
    assert (household_record.history_type, household_record.history_user) == ("+", world.alice)
    assert household_record.head_id == head.pk


def test_every_bad_row_is_reported_with_its_row_number_and_nothing_is_saved(world):
    good = valid_id_number("19700101", 51)
    zeroed = valid_id_number("19700101", 52)[:15] + "000"
    assert zeroed != valid_id_number("19700101", 520)  # the check digit is wrong
    wrong_check = good[:17] + ("1" if good[17] != "1" else "2")
    twice = valid_id_number("19710101", 53)
    file = xlsx([
        person(room="301", number="A1", 证件号码=wrong_check),
        person(room="302", number="A2", 证件号码="1.10105E+17"),
        person(room="303", number="A3", 证件号码=1.10105194912310e17),
        person(room="304", number="A4", 证件号码=zeroed),
        person(building="8", room="305", number="A5", 证件号码=good),
        person(room="306", number="A6", 证件号码=twice),
        person(room="307", number="A7", 证件号码=twice),
        person(room="308", number="A8", 证件号码=world.residents[0].id_number),
        person(room="309", number="A9", 证件号码=valid_id_number("19720101", 54)),
    ])  # fmt: skip
    residents, households = Resident.objects.count(), Household.objects.count()

    result = residents_import(user=world.alice, community=world.community, file=file)

    reported = {error.row: str(error) for error in result.errors}
    assert sorted(reported) == [3, 4, 5, 6, 7, 9, 10]
    assert "校验位不对" in reported[3]
    assert "科学计数法" in reported[4] and "1.10105E+17" in reported[4]
    assert "存成了数字" in reported[5] and "1.10105194912310E+17" in reported[5]
    assert "被 Excel 改成了 0" in reported[6]
    assert reported[7] == "第 7 行：楼栋“8”在本社区不存在。"
    assert reported[9] == "第 9 行：证件号码与第 8 行重复。"
    assert reported[10] == "第 10 行：本社区已登记过这个证件号码。"
    assert (Resident.objects.count(), Household.objects.count()) == (residents, households)
    assert (result.households, result.residents) == (0, 0)


def test_household_rows_that_disagree_are_reported(world):
    rows = [
        person(room="501"),
        person(room="502", relation="配偶", name="钱小花"),  # same 户号, another room
        person(room="601", number="新2", name="孙一"),
        person(room="601", number="新3", name="孙二"),  # another 户号 in the same room
        person(room="701", number="新4", name="周一"),
        person(room="701", number="新4", name="周二"),  # a second head
        person(room="301", number="新5", 单元=1, name="吴一"),  # alice's household's room
        person(room="801", number="新6", 单元=3, name="郑一"),  # building 1 has 2 units
    ]
    for n, row in enumerate(rows):
        row["证件号码"] = valid_id_number("19800101", 60 + n)
    file = xlsx(rows)

    result = residents_import(user=world.alice, community=world.community, file=file)

    reported = {error.row: error.message for error in result.errors}
    assert sorted(reported) == [4, 6, 8, 9, 10]
    assert "第 3 行的住址是1号楼501" in reported[4]
    assert "第 5 行填的户号是“新2”" in reported[6]
    assert "每户只能有一位户主" in reported[8]
    assert "已登记为户号" in reported[9]
    assert "只有 2 个单元" in reported[10]


def test_the_page_lists_row_errors_and_a_good_upload_redirects_with_counts(client, world):
    client.force_login(world.alice)
    bad = xlsx([person(证件号码="1.10105E+17")])
    response = client.post(IMPORT, {"file": bad})
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "整个文件都没有导入" in html
        and "科学计数法" in html
        and '<td class="font-monospace">3</td>' in html
    )

    good = xlsx([
        person(证件号码=valid_id_number("19600101", 41)),
        person(relation="配偶", name="钱小花", 证件号码=valid_id_number("19620202", 42)),
    ])  # fmt: skip
    response = client.post(IMPORT, {"file": good}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("residents:resident_list")
    assert "已导入 1 户、2 人" in response.content.decode()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("名单.xlsx", b"not a workbook at all"), "无法读取这个文件"),
        (SimpleUploadedFile("名单.xls", b"\xd0\xcf\x11\xe0old excel"), "只能导入 .xlsx 文件"),
        (SimpleUploadedFile("名单.xlsx", b""), "所提交的是空文件"),
        ("wrong_headers", "表头缺少必填列"),
        ("no_rows", "没有居民数据"),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_chinese_message_in_place(client, world, file, message):
    if file == "wrong_headers":
        workbook = Workbook()
        workbook.active.append(["姓名", "身份证号码", "住址"])
        workbook.active.append(["张三", "110105194912310021", "1-301"])
        output = io.BytesIO()
        workbook.save(output)
        file = SimpleUploadedFile("名单.xlsx", output.getvalue())
    elif file == "no_rows":
        file = xlsx([])
    client.force_login(world.alice)
    response = client.post(IMPORT, {"file": file})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_too_many_rows_or_too_big_a_file_is_refused_in_place(client, world, monkeypatch):
    client.force_login(world.alice)
    rows = [person(room=f"{n}01", number=f"新{n}", 证件号码=valid_id_number("19800101", n))
            for n in range(1, 4)]  # fmt: skip
    monkeypatch.setattr(excel, "SHEET", dataclasses.replace(excel.SHEET, max_rows=2))
    assert "最多导入 2 行" in client.post(IMPORT, {"file": xlsx(rows)}).content.decode()
    monkeypatch.setattr(shequ.views.imports, "MAX_FILE_BYTES", 1000)
    assert "文件超过 10 MB" in client.post(IMPORT, {"file": xlsx(rows)}).content.decode()
    assert not Resident.objects.filter(name="赵大山").exists()


def test_only_those_who_may_change_residents_can_import(client, world):
    for user in (world.gina, world.peggy, world.bob, world.rita):
        client.force_login(user)
        assert client.get(IMPORT).status_code == 404
        assert client.get(TEMPLATE).status_code == 404
        assert client.post(IMPORT, {"file": xlsx([person()])}).status_code == 404
    assert not Resident.objects.filter(name="赵大山").exists()


def test_charlie_can_neither_import_into_nor_export_alices_community(client, world):
    client.force_login(world.charlie)
    html = client.get(IMPORT).content.decode()
    assert world.community.name not in html
    response = client.post(IMPORT, {"file": xlsx([person()]), "community": world.community.pk})
    assert response.status_code == 200
    # The file goes to his own community, where building 1 does not exist.
    assert "楼栋“1”在本社区不存在" in response.content.decode()
    assert not Resident.objects.filter(name="赵大山").exists()
    assert sheet_rows(client.post(EXPORT).content) == []
    assert not AccessLog.objects.exists()


def test_the_export_is_masked_by_default_and_follows_the_filters(client, world):
    client.force_login(world.alice)
    response = client.get(EXPORT, {"building": world.buildings[0].pk})
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    assert [row["姓名"] for row in rows] == [r.name for r in world.residents[:2]]
    for row, resident in zip(rows, world.residents, strict=False):
        assert row["证件号码"] == resident.id_number_masked
        assert row["手机号码"] == resident.mobile_masked
    assert not AccessLog.objects.exists()


def test_typed_text_that_looks_like_a_formula_is_exported_as_text(client, world):
    resident = world.residents[0]
    resident.notes = '=HYPERLINK("http://example.com","点我")'
    resident.save()
    client.force_login(world.alice)
    sheet = load_workbook(io.BytesIO(client.get(EXPORT).content))[excel.TITLE]
    notes = next(cell for cell in sheet[2] if cell.value == resident.notes)
    assert notes.data_type == "s"


def test_a_full_export_by_community_staff_has_whole_numbers_and_is_logged(client, world):
    client.force_login(world.alice)
    rows = sheet_rows(client.post(EXPORT).content)
    assert {row["证件号码"] for row in rows} == {r.id_number for r in world.residents}
    assert {row["手机号码"] for row in rows} == {r.mobile for r in world.residents}
    logged = AccessLog.objects.filter(action="export_personal_numbers", user=world.alice)
    assert sorted(logged.values_list("object_id", flat=True)) == sorted(
        str(r.pk) for r in world.residents
    )
    assert {entry.community for entry in logged} == {world.community}


def test_a_full_export_link_that_is_merely_followed_logs_nothing(client, world):
    client.force_login(world.alice)
    rows = sheet_rows(client.get(EXPORT, {"full": "1"}).content)
    assert {row["证件号码"] for row in rows} == {r.id_number_masked for r in world.residents}
    assert not AccessLog.objects.exists()


def test_a_full_export_by_a_grid_worker_is_masked_and_logs_nothing(client, world):
    released = ResidentTag.objects.get(code="released_prisoner")
    world.residents[0].tags.add(released)
    client.force_login(world.gina)
    rows = sheet_rows(client.post(EXPORT).content)
    assert [row["姓名"] for row in rows] == [r.name for r in world.residents[:2]]  # her grid
    assert [row["证件号码"] for row in rows] == [r.id_number_masked for r in world.residents[:2]]
    assert all(released.name not in (row["重点人群"] or "") for row in rows)
    assert not AccessLog.objects.exists()


def generated_rows(count: int, start: int = 0) -> list[dict]:
    """Two people per household, households spread over alice's two buildings."""
    rows = []
    for i in range(start, start + count):
        household = i // 2
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=i)
        rows.append(person(
            building=str(household % 2 + 1), room=f"{household:05d}", number=f"G{household:05d}",
            relation="户主" if i % 2 == 0 else "配偶", name=f"测试{i}",
            证件号码=valid_id_number(birth.strftime("%Y%m%d"), i % 1000),
            手机号码=f"137{i:08d}", 重点人群="残疾人" if i % 3 == 0 else None,
        ))  # fmt: skip
    return rows


def test_an_import_runs_the_same_number_of_queries_for_50_or_5000_rows(world):
    def queries(rows: list[dict]) -> int:
        file = xlsx(rows)
        with CaptureQueriesContext(connection) as ctx:
            result = residents_import(user=world.alice, community=world.community, file=file)
        assert result.errors == [] and result.residents == len(rows)
        return len(ctx.captured_queries)

    roles_of(world.alice)  # read once per request in real use; keep it out of the comparison
    few = queries(generated_rows(50))
    assert few <= 20
    assert queries(generated_rows(5000, start=50)) == few
    assert Resident.objects.filter(name__startswith="测试").count() == 5050
    assert Household.objects.filter(number__startswith="G", head__isnull=False).count() == 2525
