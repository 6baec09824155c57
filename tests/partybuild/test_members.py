"""The organisation tree and the party files: what a party affairs worker keeps, what the
file's history keeps, and who may see it."""

import datetime
import re

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partybuild import services
from partybuild.choices import EventKind, MemberStatus
from partybuild.models import MemberEvent, PartyMember, PartyOrganization
from tests.conftest import SECRET
from tests.factories import (
    GridUnitFactory,
    HouseholdFactory,
    PartyOrganizationFactory,
    ResidentFactory,
    add_party_member,
)

TODAY = datetime.date.today()


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_tree_shows_each_level_under_its_parent_with_its_grid_units(client, world):
    committee, branch1, group, branch2 = world.party_organizations
    client.force_login(world.peggy)
    page = _text(client.get(reverse("partybuild:organization_tree")))
    order = [page.index(node.name + "</a>") for node in (committee, branch1, group, branch2)]
    assert order == sorted(order)
    assert f'--depth: 2"></span><a href="{group.get_absolute_url()}">' in page
    assert world.grid_units[0].name in page
    # Branch 1 was elected in March 2022 for three years: its term has run out.
    assert "届期已满" in page
    detail = _text(client.get(branch1.get_absolute_url()))
    assert "本届委员会已于 2025-03-01 届满" in detail
    # The branch lists the members of its group as its own.
    assert world.party_members[0].name in detail


@pytest.mark.parametrize(
    ("kind", "parent", "message"),
    [
        ("group", 0, "党小组不能设在党委之下。"),
        ("committee", 0, "党委不能设在党委之下。"),
        ("branch", None, "本社区已有最上级的党组织，请选择上级党组织。"),
    ],
)
def test_the_tree_refuses_a_node_where_it_cannot_sit(client, world, kind, parent, message):
    client.force_login(world.peggy)
    data = {"kind": kind, "name": "新组织", "founded_on": "2020-01-01", "order": 0}
    if parent is not None:
        data["parent"] = world.party_organizations[parent].pk
    response = client.post(reverse("partybuild:organization_add"), data)
    assert response.status_code == 200
    assert message in _text(response)
    assert not PartyOrganization.objects.filter(name="新组织").exists()


def test_a_branch_is_built_on_grid_units_of_its_own_community_only(client, world, other_scopes):
    client.force_login(world.peggy)
    committee = world.party_organizations[0]
    foreign = GridUnitFactory(community=world.other_community, number=9)
    url = reverse("partybuild:organization_add")
    data = {"kind": "branch", "name": "第三党支部", "founded_on": "2020-01-01", "order": 3,
            "parent": committee.pk, "grid_units": [world.grid_units[1].pk, foreign.pk]}  # fmt: skip
    assert "grid_units" in client.post(url, data).context["form"].errors
    data["grid_units"] = [world.grid_units[1].pk]
    assert client.post(url, data).status_code == 302
    branch = PartyOrganization.objects.get(name="第三党支部")
    assert branch.community == world.community
    assert list(branch.grid_units.all()) == [world.grid_units[1]]
    # Elected today, a branch's term ends in three years unless said otherwise.
    edit = reverse("partybuild:organization_edit", args=[branch.pk])
    client.post(edit, {**data, "elected_on": "2026-01-10", "term_ends_on": ""})
    branch.refresh_from_db()
    assert branch.term_ends_on == datetime.date(2029, 1, 10)


def test_a_probationary_member_is_confirmed_only_after_the_year(client, world):
    li = world.party_members[1]
    client.force_login(world.peggy)
    page = _text(client.get(li.get_absolute_url()))
    assert "预备期至 2027-03-01" in page
    url = reverse("partybuild:member_confirm", args=[li.pk])
    early = client.post(url, {"day": str(TODAY)})
    assert "预备期满一年才能转正：最早 2027-03-01。" in _text(early)
    li.refresh_from_db()
    assert li.probationary

    household = HouseholdFactory(building=world.buildings[0])
    resident = ResidentFactory(household=household, birth_date=datetime.date(1980, 1, 1))
    older = add_party_member(resident, world.party_organizations[1], world.peggy,
                             joined_on=datetime.date(2024, 5, 1))  # fmt: skip
    listing = _text(client.get(reverse("partybuild:member_list")))
    assert "待转正</span> <small" in listing and "2025-05-01 期满" in listing
    response = client.post(reverse("partybuild:member_confirm", args=[older.pk]),
                           {"day": "2025-05-06", "note": "支部大会讨论通过"})  # fmt: skip
    assert response.status_code == 302
    older.refresh_from_db()
    assert older.full_on == datetime.date(2025, 5, 6)
    assert older.events.last().kind == EventKind.CONFIRMED


def test_a_transfer_out_keeps_the_file_and_numbers_its_letter_by_year(client, world):
    zhang, li = world.party_members
    client.force_login(world.peggy)
    for member, counterpart in ((zhang, "某街道某社区党委"), (li, "某公司党支部")):
        response = client.post(reverse("partybuild:member_transfer_out", args=[member.pk]),
                               {"day": str(TODAY), "counterpart": counterpart})  # fmt: skip
        assert response.status_code == 302
    letters = MemberEvent.objects.filter(kind=EventKind.TRANSFERRED_OUT).order_by("pk")
    assert [e.letter for e in letters] == [f"〔{TODAY.year}〕1号", f"〔{TODAY.year}〕2号"]
    zhang.refresh_from_db()
    assert zhang.status == MemberStatus.TRANSFERRED_OUT
    # The file stays, with its events, and is found under its status.
    page = _text(client.get(zhang.get_absolute_url()))
    assert "组织关系转出" in page and f"〔{TODAY.year}〕1号" in page and "建档" in page
    listing = _text(client.get(reverse("partybuild:member_list"), {"status": "transferred_out"}))
    assert zhang.name in listing
    assert zhang.name not in _text(client.get(reverse("partybuild:member_list")))
    # A second transfer of the same file is refused; the receipt comes back once.
    again = client.post(reverse("partybuild:member_transfer_out", args=[zhang.pk]),
                        {"day": str(TODAY), "counterpart": "别处"}, follow=True)  # fmt: skip
    assert "的党籍状态为“已转出”，不能办理组织关系转出。" in _text(again)
    receipt = reverse("partybuild:member_receipt", args=[zhang.pk])
    assert client.post(receipt, {"day": str(TODAY)}).status_code == 302
    again = client.post(receipt, {"day": str(TODAY)}, follow=True)
    assert f"{zhang.name}没有待回执的转出介绍信。" in _text(again)
    assert zhang.events.filter(kind=EventKind.RECEIPT).count() == 1


def test_a_file_s_events_are_never_rewritten(world):
    event = world.party_members[0].events.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        MemberEvent.objects.filter(pk=event.pk).update(note="改写")
    with pytest.raises(DatabaseError), transaction.atomic():
        MemberEvent.objects.filter(pk=event.pk).delete()


def test_who_was_in_a_branch_on_a_day_is_read_from_the_events(world):
    zhang, li = world.party_members
    _committee, branch1, group, branch2 = world.party_organizations
    services.member_move(li, world.peggy, organization=branch1, day=datetime.date(2026, 6, 1))
    on = PartyMember.objects.in_organization_on
    assert set(on([branch2], datetime.date(2026, 5, 31))) == {li}
    assert set(on([branch1, group], datetime.date(2026, 5, 31))) == {zhang}
    assert set(on([branch1, group], datetime.date(2026, 6, 1))) == {zhang, li}
    # Before 李 was admitted she was in no branch.
    assert set(on([branch2], datetime.date(2026, 2, 28))) == set()
    services.member_status(
        zhang, world.peggy, kind=EventKind.DECEASED, day=datetime.date(2026, 7, 2)
    )
    assert set(on([branch1, group], datetime.date(2026, 7, 1))) == {zhang, li}
    assert set(on([branch1, group], datetime.date(2026, 7, 2))) == {li}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"joined_on": "2000-01-01"}, "joined_on", "入党日期须在年满 18 周岁之后"),
        ({"full_on": "2020-12-31"}, "full_on", "转正须在预备期满一年之后。"),
        ({"category": "in_service"}, None, "在职党员须填写工作单位。"),
        ({"letter": "渝组转2026-3号"}, "transferred_from", "请同时填写由何处转入"),
        ({"joined_on": "2999-01-01"}, "joined_on", ""),
    ],
)
def test_a_new_file_with_a_mistake_says_what_to_fix(client, world, fields, field, message):
    resident = ResidentFactory(household=world.households[1], birth_date=datetime.date(1990, 6, 1))
    client.force_login(world.peggy)
    data = {"resident": resident.pk, "organization": world.party_organizations[3].pk,
            "category": "resident", "joined_on": "2020-01-01", **fields}  # fmt: skip
    response = client.post(reverse("partybuild:member_add"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field or "__all__", [])), errors
    assert not PartyMember.objects.filter(resident=resident).exists()


def test_a_new_file_by_transfer_records_where_it_came_from(client, world):
    resident = ResidentFactory(household=world.households[1], birth_date=datetime.date(1970, 6, 1))
    client.force_login(world.peggy)
    response = client.post(reverse("partybuild:member_add"), {
        "resident": resident.pk, "organization": world.party_organizations[3].pk,
        "category": "retired", "joined_on": "1995-07-01", "full_on": "1996-07-01",
        "transferred_from": "某厂党委", "letter": "厂组字12号", "zone": [world.buildings[1].pk],
    })  # fmt: skip
    assert response.status_code == 302
    member = PartyMember.objects.get(resident=resident)
    assert member.full_on == datetime.date(1996, 7, 1)
    assert list(member.zone.all()) == [world.buildings[1]]
    event = member.events.get()
    assert (event.kind, event.counterpart, event.note) == (
        EventKind.TRANSFERRED_IN,
        "某厂党委",
        "厂组字12号",
    )
    again = client.post(reverse("partybuild:member_add"), {
        "resident": resident.pk, "organization": world.party_organizations[3].pk,
        "category": "retired", "joined_on": "1995-07-01",
    })  # fmt: skip
    assert "还没有党员档案的居民" in str(again.context["form"].errors), again.context["form"].errors


def test_files_stay_in_their_community_and_officials_see_no_names(client, world, other_scopes):
    zhang = world.party_members[0]
    client.force_login(world.charlie)
    assert client.get(zhang.get_absolute_url()).status_code == 404
    assert SECRET not in _text(client.get(reverse("partybuild:member_list")))
    client.force_login(world.bob)
    for name in ("partybuild:member_list", "partybuild:organization_tree"):
        assert client.get(reverse(name)).status_code == 404
    assert client.get(zhang.get_absolute_url()).status_code == 404
    # A grid worker keeps the registry, not the party's files.
    client.force_login(world.gina)
    assert client.get(zhang.get_absolute_url()).status_code == 404


def test_a_member_signed_in_as_a_resident_reads_their_own_file_only(client, world):
    zhang, li = world.party_members
    client.force_login(world.rita)
    own = client.get(reverse("partybuild:member_own"))
    assert own.status_code == 302 and own.url == li.get_absolute_url()
    page = _text(client.get(li.get_absolute_url()))
    assert li.name in page
    assert reverse("partybuild:attendance_list") + f"?member={li.pk}" in page
    assert "变更记录" not in page  # who changed the file when is the keepers' record
    for step in ("member_edit", "member_transfer_out", "member_move"):
        assert reverse(f"partybuild:{step}", args=[li.pk]) not in page
    assert client.get(zhang.get_absolute_url()).status_code == 404
    assert client.get(reverse("partybuild:member_edit", args=[li.pk])).status_code == 404
    assert client.post(reverse("partybuild:member_transfer_out", args=[li.pk]),
                       {"day": str(TODAY), "counterpart": "x"}).status_code == 404  # fmt: skip
    li.refresh_from_db()
    assert li.active


def _queries(client, url) -> tuple[int, str]:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), _text(response)


def test_the_roster_and_the_tree_cost_the_same_queries_for_two_members_or_forty(client, world):
    client.force_login(world.peggy)
    roster, tree = reverse("partybuild:member_list"), reverse("partybuild:organization_tree")
    few_roster, _ = _queries(client, roster)
    few_tree, _ = _queries(client, tree)
    branch = world.party_organizations[3]
    groups = [
        PartyOrganizationFactory(community=world.community, parent=branch, kind="group")
        for _ in range(4)
    ]
    for n in range(38):
        group = groups[n % 4]
        resident = ResidentFactory(household=HouseholdFactory(building=world.buildings[1]))
        add_party_member(resident, group, world.peggy, joined_on=datetime.date(2001, 7, 1),
                         full_on=datetime.date(2002, 7, 1), post="环境监督员")  # fmt: skip
    many_roster, page = _queries(client, roster)
    assert page.count("环境监督员") == 23  # a page of 25, after 张 and 李
    many_tree, _ = _queries(client, tree)
    assert (many_roster, many_tree) == (few_roster, few_tree)


def _roster(response) -> list[list]:
    import io

    from openpyxl import load_workbook

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_roster_exports_masked_and_only_community_staff_get_whole_numbers_logged(
    client, world, other_scopes
):
    from shequ.models import AccessLog

    zhang = world.party_members[0]
    url = reverse("partybuild:member_export")
    client.force_login(world.peggy)
    rows = _roster(client.get(url, {"standing": "full"}))
    assert rows[0][:4] == ["姓名", "性别", "出生", "证件号码"]
    assert [row[0] for row in rows[1:]] == [zhang.name]
    assert rows[1][3] == zhang.resident.id_number_masked and rows[1][4] == "138****5678"
    # A party worker may not reveal: asking for whole numbers gives masks and logs nothing.
    assert _roster(client.post(url))[1][3] == zhang.resident.id_number_masked
    assert not AccessLog.objects.exists()

    client.force_login(world.alice)
    rows = _roster(client.post(url))
    assert {row[3] for row in rows[1:]} == {m.resident.id_number for m in world.party_members}
    logged = AccessLog.objects.filter(action="export_personal_numbers", user=world.alice)
    assert sorted(logged.values_list("object_id", flat=True)) == sorted(
        str(m.resident_id) for m in world.party_members
    )
    client.force_login(world.charlie)
    names = [row[0] for row in _roster(client.post(url))[1:]]
    assert names and not any(SECRET in name for name in names)


def test_a_member_signed_in_as_a_resident_gets_no_roster(client, world):
    client.force_login(world.rita)
    for name in ("partybuild:member_list", "partybuild:member_export"):
        assert client.get(reverse(name)).status_code == 404


def test_a_member_signed_in_as_a_resident_finds_their_party_work_on_the_home_page(client, world):
    client.force_login(world.rita)
    page = _text(client.get(reverse("home")))
    assert "我的四个一" in page and reverse("partybuild:fouronesrecord_list") in page
    # A resident without a party file sees no party cards.
    world.party_members[1].account = None
    world.party_members[1].save()
    assert "我的四个一" not in _text(client.get(reverse("home")))
