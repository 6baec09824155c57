"""The roster and the hours in Excel, as their pages filter them and masked as the registry
masks them; and past service records brought in from paper, every row or none, each refusal
with its row, column and reason."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shequ.excel import FIRST_DATA_ROW, HEADER_ROW
from tests.conftest import OTHER_SECRET, SECRET
from tests.factories import ResidentFactory, VolunteerFactory, valid_id_number
from volunteers.choices import RecordStatus
from volunteers.excel import IMPORT_SHEET, IMPORT_TITLE, import_template
from volunteers.hours import records_decide
from volunteers.models import ServiceRecord, StarReached, Volunteer
from volunteers.services import volunteer_leave

ROSTER = reverse("volunteers:volunteer_export")
HOURS = reverse("volunteers:record_export")
IMPORT = reverse("volunteers:record_import")
TEMPLATE = reverse("volunteers:record_import_template")


def _rows(response) -> list[list]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _file_text(response) -> str:
    workbook = load_workbook(io.BytesIO(response.content))
    return " ".join(
        str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True)
        for value in row if value is not None
    )  # fmt: skip


def xlsx(rows: list[dict]) -> SimpleUploadedFile:
    """The downloaded template filled in with rows keyed by header (without the *)."""
    workbook = load_workbook(io.BytesIO(import_template()))
    sheet = workbook[IMPORT_TITLE]
    for offset, row in enumerate(rows):
        for index, column in enumerate(IMPORT_SHEET.columns, start=1):
            if column.header in row:
                sheet.cell(FIRST_DATA_ROW + offset, index, row[column.header])
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile("历史记录.xlsx", output.getvalue())


def line(volunteer, served_on="2025-03-01", hours=2, description="敬老院探访", **more) -> dict:
    return {"姓名": volunteer.name, "证件号码": volunteer.resident.id_number,
            "服务日期": served_on, "服务内容": description, "服务时长（小时）": hours,
            **more}  # fmt: skip


def test_the_roster_is_the_filtered_list_with_numbers_masked_hours_and_stars(client, world):
    leader, member = world.volunteers
    client.force_login(world.peggy)  # a party worker organises too
    rows = _rows(client.get(ROSTER))
    assert rows[0][:4] == ["姓名", "证件号码", "手机号码", "年龄"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {leader.name, member.name}
    zhang = by_name[leader.name]
    assert zhang[1] == leader.resident.id_number_masked and "*" in zhang[1]
    assert zhang[2] == leader.resident.mobile_masked
    assert zhang[4] == f"{SECRET}急救" and zhang[5] == f"{SECRET}治安巡逻队（队长/会长）"
    assert zhang[6:8] == ["在册", "2024-01-01"] and Decimal(str(zhang[8])) == 3
    # 李 left the patrol, and has only a record waiting: no teams, no hours counted.
    assert by_name[member.name][5] is None and by_name[member.name][8] == 0
    whole = _file_text(client.get(ROSTER))
    assert leader.resident.id_number not in whole and leader.resident.mobile not in whole
    # The list's filters: only the patrol's current members.
    assert [row[0] for row in _rows(client.get(ROSTER, {"team": world.teams[0].pk}))[1:]] == [
        leader.name
    ]
    # One who left is on the list with a badge, and in the file as 已注销.
    volunteer_leave(member, world.alice, day=datetime.date(2025, 7, 1))
    assert "已注销" in client.get(reverse("volunteers:volunteer_list")).content.decode()
    assert {row[0]: row[6] for row in _rows(client.get(ROSTER))[1:]}[member.name] == "已注销"


def test_the_hours_file_is_the_filtered_records_with_who_decided(client, world):
    leader, member = world.volunteers
    client.force_login(world.alice)
    rows = _rows(client.get(HOURS, {"status": "approved"}))
    assert rows[0] == ["志愿者", "证件号码", "服务日期", "活动", "服务内容", "计划时长（小时）",
                       "服务时长（小时）", "审核", "需核对", "审核人", "审核时间", "审核意见",
                       "社区"]  # fmt: skip
    assert len(rows) == 2
    record = rows[1]
    assert record[:3] == [leader.name, leader.resident.id_number_masked, "2025-05-01"]
    assert record[4] == f"{SECRET}夜间巡逻" and Decimal(str(record[6])) == 3
    assert record[7] == "已认定" and record[9] == world.alice.name and record[10]
    # The page's default is what waits for review: 李's record.
    assert [row[0] for row in _rows(client.get(HOURS))[1:]] == [member.name]
    assert leader.resident.id_number not in _file_text(client.get(HOURS, {"status": ""}))


def test_another_communitys_rows_are_never_in_the_files(client, world, other_scopes):
    client.force_login(world.charlie)
    for url in (ROSTER, HOURS):
        for query in ({}, {"status": ""}, {"community": world.community.pk}):
            text = _file_text(client.get(url, query))
            assert SECRET not in text and world.volunteers[0].name not in text
    assert OTHER_SECRET in _file_text(client.get(HOURS, {"status": ""}))
    # A volunteer signed in as a resident and an official get no file at all.
    for user in (world.rita, world.bob):
        client.force_login(user)
        for url in (ROSTER, HOURS, IMPORT, TEMPLATE):
            assert client.get(url).status_code == 404


def _grow(world, n: int) -> None:
    for index in range(n):
        resident = ResidentFactory(household=world.households[0], full_name=f"队员{index}")
        volunteer = VolunteerFactory(resident=resident, skills="维修")
        records = [
            ServiceRecord.objects.create(
                community=world.community, volunteer=volunteer, description="清扫",
                served_on=datetime.date(2025, 1, day), hours=Decimal(24),
            )
            for day in range(1, 6)
        ]  # fmt: skip
        records_decide(records, world.alice, approve=True)  # 120 hours: 一星


def test_the_exports_run_the_same_queries_for_few_rows_or_many(
    client, world, django_assert_num_queries
):
    client.force_login(world.alice)
    queries = {}
    for url in (ROSTER, HOURS):
        client.get(url, {"status": ""})
        with CaptureQueriesContext(connection) as few:
            client.get(url, {"status": ""})
        queries[url] = len(few)
    _grow(world, 12)
    for url, count in queries.items():
        with django_assert_num_queries(count):
            rows = _rows(client.get(url, {"status": ""}))
        assert len(rows) > 12
    assert "一星" in _file_text(client.get(ROSTER))


def test_a_file_with_bad_rows_imports_nothing_and_says_why_row_by_row(client, world):
    leader, _member = world.volunteers
    household = world.households[1]
    pending = VolunteerFactory(
        resident=ResidentFactory(household=household, full_name="周待",
                                 id_number=valid_id_number("19600402", 44)),
        status="pending",
    )  # fmt: skip
    gone = VolunteerFactory(
        resident=ResidentFactory(household=household, full_name="吴离",
                                 id_number=valid_id_number("19700101", 55)),
    )  # fmt: skip
    volunteer_leave(gone, world.alice, day=datetime.date(2025, 6, 30))
    Volunteer.history.filter(id=gone.pk, status="left").update(
        history_date=timezone.make_aware(datetime.datetime(2025, 6, 30, 12))
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    before = ServiceRecord.objects.count()
    rows = [
        line(leader, hours="1.5小时"),  # 3: good, yet not imported with the rest
        line(leader, served_on="2025-03-01", hours="1.5"),  # 4: the same as row 3
        {**line(leader), "证件号码": valid_id_number("19810101", 9)},  # 5: nobody
        line(pending),  # 6
        line(gone, served_on="2025-07-01"),  # 7: after 注销
        line(leader, served_on=tomorrow.isoformat()),  # 8
        line(leader, served_on="2023-12-31"),  # 9: before registration
        line(leader, served_on="2023-12-30", description=""),  # 10: two reasons
        line(leader, hours=0),  # 11
        line(leader, hours=25),  # 12
        line(leader, hours=1.333),  # 13
        line(leader, hours="两小时"),  # 14
        {**line(leader), "证件号码": 1.10105194912310e17},  # 15
        {**line(leader), "证件号码": leader.resident.id_number_masked},  # 16
        line(gone, served_on="2025-06-01", 姓名="吴立"),  # 17: before 注销 but the wrong name
    ]
    client.force_login(world.alice)
    response = client.post(IMPORT, {"file": xlsx(rows)})
    assert response.status_code == 200
    assert ServiceRecord.objects.count() == before
    errors = {(error.row, error.column): error.message for error in response.context["errors"]}
    expected = {
        (4, ""): "与第 3 行重复",
        (5, "证件号码"): "本社区的志愿者中没有这个证件号码",
        (6, "证件号码"): "周待的志愿者注册尚未确认",
        (7, "服务日期"): "吴离已于 2025-06-30 注销",
        (8, "服务日期"): "不能晚于今天",
        (10, "服务内容"): "服务内容不能为空",
        (11, "服务时长（小时）"): "须大于 0",
        (12, "服务时长（小时）"): "不超过 24",
        (13, "服务时长（小时）"): "最多保留两位小数",
        (14, "服务时长（小时）"): "“两小时”不是小时数",
        (15, "证件号码"): "被 Excel 存成了数字",
        (16, "证件号码"): "导出时隐藏过的号码",
        (17, "姓名"): "姓名与登记不一致",
    }
    early = f"早于{leader.name}的注册日期 2024-01-01"
    expected[(9, "服务日期")] = expected[(10, "服务日期")] = early
    for key, words in expected.items():
        assert words in errors.get(key, ""), (key, errors.get(key))
    assert not any(row == 3 for row, _column in errors)
    page = response.content.decode()
    assert "有 14 行需要修改，整个文件都没有导入" in page and "被 Excel 存成了数字" in page


def test_a_good_file_comes_in_approved_and_the_stars_are_recounted(client, world):
    leader, member = world.volunteers
    assert not StarReached.objects.filter(volunteer=leader).exists()
    days = [datetime.date(2025, 1, d) for d in range(1, 6)]
    rows = [line(leader, served_on=day, hours=20, description="夜间巡逻") for day in days]
    rows.append(line(member, served_on="2025-02-03", hours="2.25", 备注="2025 年台账第 3 页"))
    client.force_login(world.alice)
    response = client.post(IMPORT, {"file": xlsx(rows)}, follow=True)
    assert "已导入 2 位志愿者的 6 条历史服务记录，均已认定。" in response.content.decode()
    imported = ServiceRecord.objects.filter(description="夜间巡逻", volunteer=leader)
    assert imported.count() == 5
    assert set(imported.values_list("status", "decided_by", flat=False)) == {
        (RecordStatus.APPROVED, world.alice.pk)
    }
    assert imported.first().history.first().history_change_reason == "导入历史服务记录"
    note = ServiceRecord.objects.get(volunteer=member, served_on=datetime.date(2025, 2, 3))
    assert note.hours == Decimal("2.25") and note.note == "2025 年台账第 3 页"
    # 100 hours reached on the fifth day (the 3 hours of 2025-05-01 come later).
    star = StarReached.objects.get(volunteer=leader)
    assert (star.level, star.reached_on) == (1, datetime.date(2025, 1, 5))
    # The same file again is refused: those records are there already.
    again = client.post(IMPORT, {"file": xlsx(rows)})
    assert "可能已经导入过" in again.content.decode()
    assert ServiceRecord.objects.filter(volunteer=leader, description="夜间巡逻").count() == 5


def test_the_template_is_the_form_to_fill(client, world):
    client.force_login(world.alice)
    response = client.get(TEMPLATE)
    sheet = load_workbook(io.BytesIO(response.content))[IMPORT_TITLE]
    header = [cell.value for cell in sheet[HEADER_ROW]]
    assert header == ["姓名*", "证件号码*", "服务日期*", "服务内容*", "服务时长（小时）*", "备注"]
    # Another community's staff cannot put rows into alice's community.
    client.force_login(world.charlie)
    before = ServiceRecord.objects.count()
    response = client.post(
        IMPORT, {"file": xlsx([line(world.volunteers[0])]), "community": world.community.pk}
    )
    assert ServiceRecord.objects.count() == before
