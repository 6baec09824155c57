"""Bringing a paper roster in through the 党员信息采集表: every row or none, each refusal with
its row and reason, and only into the importer's own community."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from partybuild.choices import EventKind
from partybuild.excel import IMPORT_SHEET, IMPORT_TITLE, import_template
from partybuild.models import PartyMember
from shequ.excel import FIRST_DATA_ROW, HEADER_ROW, LISTS_TITLE
from tests.factories import ResidentFactory, valid_id_number

IMPORT = reverse("partybuild:member_import")
TEMPLATE = reverse("partybuild:member_import_template")


def xlsx(rows: list[dict]) -> SimpleUploadedFile:
    """The downloaded template filled in with rows keyed by header (without the *)."""
    workbook = load_workbook(io.BytesIO(import_template([])))
    sheet = workbook[IMPORT_TITLE]
    for offset, row in enumerate(rows):
        for index, column in enumerate(IMPORT_SHEET.columns, start=1):
            if column.header in row:
                sheet.cell(FIRST_DATA_ROW + offset, index, row[column.header])
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile("党员.xlsx", output.getvalue())


def member(resident, organization, **more) -> dict:
    return {"姓名": resident.name, "证件号码": resident.id_number,
            "所在党组织": organization.name, "入党日期": "1998-07-01", **more}  # fmt: skip


@pytest.fixture
def newcomers(world):
    """Two residents of alice's community without a party file, and one who has moved out."""
    household = world.households[1]
    return [
        ResidentFactory(household=household, full_name="周明", birth_date=datetime.date(1960, 4, 2),
                        id_number=valid_id_number("19600402", 44)),
        ResidentFactory(household=household, full_name="吴芳", birth_date=datetime.date(2000, 9, 9),
                        id_number=valid_id_number("20000909", 55)),
        ResidentFactory(household=household, full_name="郑离", birth_date=datetime.date(1970, 1, 1),
                        id_number=valid_id_number("19700101", 66), status="moved_out",
                        status_changed_on=datetime.date(2025, 5, 1)),
    ]  # fmt: skip


def test_the_template_lists_the_communitys_branches_and_groups(client, world):
    _committee, branch1, group, branch2 = world.party_organizations
    client.force_login(world.peggy)
    response = client.get(TEMPLATE)
    workbook = load_workbook(io.BytesIO(response.content))
    header = [cell.value for cell in workbook[IMPORT_TITLE][HEADER_ROW]]
    assert header[:5] == ["姓名*", "证件号码*", "所在党组织*", "党员类别", "入党日期*"]
    lists = [[cell.value for cell in column] for column in workbook[LISTS_TITLE].iter_cols()]
    organizations = next(column for column in lists if column[0] == "所在党组织")
    # Members sit in branches and groups only, so the committee is not offered.
    assert set(organizations[1:]) - {None} == {branch1.name, group.name, branch2.name}


def test_a_good_file_makes_every_file_as_the_form_would(client, world, newcomers):
    _committee, _branch1, group, branch2 = world.party_organizations
    zhou, wu, _moved = newcomers
    client.force_login(world.peggy)
    rows = [
        member(zhou, group, 党员类别="离退休党员", 入党日期="1985-07-01", 转正日期="1986年7月1日",
               一人一岗="楼栋信息员"),
        member(wu, branch2, 党员类别="在职党员", 入党日期="2024-06-30", 工作单位="区人民医院",
               到社区报到日期=datetime.date(2025, 3, 5)),
    ]  # fmt: skip
    response = client.post(IMPORT, {"file": xlsx(rows)}, follow=True)
    assert "已导入 2 名党员的档案。" in response.content.decode()
    zhou_file = PartyMember.objects.get(resident=zhou)
    assert zhou_file.organization == group and zhou_file.category == "retired"
    assert zhou_file.post == "楼栋信息员"
    assert zhou_file.full_on == datetime.date(1986, 7, 1) and not zhou_file.probationary
    wu_file = PartyMember.objects.get(resident=wu)
    assert wu_file.probationary and wu_file.work_unit == "区人民医院"
    assert wu_file.reported_on == datetime.date(2025, 3, 5)
    # Each file begins its history as one made in the form does, so meeting rolls find it.
    event = wu_file.events.get()
    assert (event.kind, event.happened_on, event.organization) == (
        EventKind.REGISTERED, datetime.date(2024, 6, 30), branch2)  # fmt: skip
    assert set(PartyMember.objects.in_organization_on([branch2], datetime.date(2025, 1, 1))) >= {
        wu_file
    }


def test_a_file_with_mistakes_saves_nothing_and_says_why_for_each_row(client, world, newcomers):
    committee, branch1, _group, _branch2 = world.party_organizations
    zhou, wu, moved = newcomers
    zhang = world.residents[0]  # already has a file
    others = [
        ResidentFactory(household=world.households[1], full_name=f"陈{n}",
                        birth_date=datetime.date(2000, 1, n),
                        id_number=valid_id_number(f"200001{n:02}", n))
        for n in range(1, 9)
    ]  # fmt: skip
    client.force_login(world.peggy)
    rows = [
        member(zhou, branch1),  # row 3: good on its own
        member(zhang, branch1),  # 4
        member(wu, committee),  # 5
        member(zhou, branch1),  # 6: the same number again
        member(moved, branch1),  # 7
        {**member(others[0], branch1), "姓名": "陈一"},  # 8
        {**member(others[1], branch1), "证件号码": "110101********0011"},  # 9
        {**member(others[1], branch1), "证件号码": 1.10105194912310e17},  # 10
        member(others[2], branch1, 入党日期="2017-01-01"),  # 11: 17 years old
        member(others[3], branch1, 入党日期="2024-07-01", 转正日期="2025-01-01"),  # 12
        member(others[4], branch1, 党员类别="在职党员"),  # 13
        member(others[5], branch1, 到社区报到日期="2025-01-01"),  # 14
        member(others[6], branch1, 党员类别="积极分子"),  # 15
        {**member(others[7], branch1), "所在党组织": "第九党支部"},  # 16
        {"姓名": "无号码", "所在党组织": branch1.name},  # 17
        {**member(zhou, branch1), "证件号码": valid_id_number("19800101", 77)},  # 18
    ]
    page = client.post(IMPORT, {"file": xlsx(rows)}).content.decode()
    expected = {
        4: f"{zhang.name}已有党员档案。",
        5: f"{committee.name}是党委，党员须编入党支部或党小组。",
        6: "证件号码与第 3 行重复。",
        7: "郑离的登记状态是“已迁出”，不能建立党员档案。",
        8: "姓名与居民登记不一致：这个证件号码登记的是“陈1”。",
        9: "是导出时隐藏过的号码",
        10: "证件号码被 Excel 存成了数字",
        11: "入党日期须在年满 18 周岁之后",
        12: "转正须在预备期满一年之后。",
        13: "在职党员须填写工作单位。",
        14: "只有在职党员登记到社区报到日期。",
        15: "党员类别：“积极分子”不是可选的值",
        16: "本社区没有名为“第九党支部”的党组织",
        17: "证件号码不能为空。",
        18: "本社区登记的居民中没有这个证件号码，请先在“居民”中登记此人。",
    }
    assert "有 15 行需要修改，整个文件都没有导入。" in page
    for row, message in expected.items():
        assert f'<td class="font-monospace">{row}</td>' in page
        assert message in page, row
    assert not PartyMember.objects.filter(resident__in=[*newcomers, *others]).exists()


@pytest.mark.parametrize("user", ["charlie", "bob", "rita", "gina"])
def test_only_the_communitys_own_keepers_import_into_it(client, world, newcomers, user):
    """Charlie keeps another community: alice's residents are not there to be found. The
    official, the member signed in as a resident and the grid worker may not import at all."""
    client.force_login(getattr(world, user))
    branch1 = world.party_organizations[1]
    file = xlsx([member(newcomers[0], branch1)])
    if user == "charlie":
        page = client.post(IMPORT, {"file": file})
        assert "本社区没有名为" in page.content.decode()
        assert "本社区登记的居民中没有这个证件号码" in page.content.decode()
    else:
        assert client.get(IMPORT).status_code == 404
        assert client.get(TEMPLATE).status_code == 404
        assert (
            client.post(IMPORT, {"file": xlsx([member(newcomers[0], branch1)])}).status_code == 404
        )
    assert not PartyMember.objects.filter(resident=newcomers[0]).exists()


def test_a_file_that_is_not_the_template_is_refused_in_place(client, world):
    client.force_login(world.peggy)
    page = client.post(IMPORT, {"file": SimpleUploadedFile("党员.xlsx", b"not a workbook")})
    assert "无法读取这个文件" in page.content.decode()
    assert "党员" in client.get(reverse("partybuild:member_list")).content.decode()
