"""四无 and the awards it opens: grid workers record each building's quarter beside what the
desk and the field log say about it; buildings that kept all four every quarter are candidates
for 文明楼院 and their living households for 文明户; staff confirm or decline; the confirmed ones
make the year's list, printed and exported."""

import io
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import CivilityAward, FourNoRecord
from assessments.models.civility import Decision, Quarter, award_year
from grievances.choices import Kind
from residents.choices import Status
from tests.conftest import GRID2_SECRET, SECRET, four_no_year
from tests.factories import (
    BuildingFactory,
    FieldLogEntryFactory,
    HouseholdFactory,
    ResidentFactory,
    register_grievance,
)

LIST = reverse("assessments:fournorecord_list")
ADD = reverse("assessments:fournorecord_add")
CANDIDATES = reverse("assessments:candidate_list")
DECIDE = reverse("assessments:civilityaward_add")
CONFIRM = reverse("assessments:civilityaward_confirm")
AWARDS = reverse("assessments:civilityaward_list")
EXPORT = reverse("assessments:civilityaward_export")
OVERVIEW = reverse("assessments:fourno_overview")
NOW = Quarter.current()
YEAR = award_year()


def _record(building, quarter: Quarter, **items) -> dict:
    """A filled form: every item passed unless given."""
    data = {"quarter": str(quarter), "building": building.pk}
    for field in ("no_mess", "no_vice", "no_theft_or_fire", "no_fights"):
        data[field] = items.get(field, True)
        data[f"{field}_note"] = items.get(f"{field}_note", "")
    return data


def _html(response) -> str:
    return response.content.decode()


def test_quarters_follow_each_other_across_years():
    assert Quarter(2026, 4).following == Quarter(2027, 1)
    assert Quarter(2026, 1).previous == Quarter(2025, 4)
    assert (Quarter(2026, 2).first, Quarter(2026, 2).last) == (
        Quarter(2026, 2).first.replace(month=4),
        Quarter(2026, 2).first.replace(month=6, day=30),
    )
    assert str(Quarter(2026, 3)) == "2026-3" and Quarter(2026, 3).label == "2026 年第 3 季度"


def test_a_grid_worker_decides_beside_the_quarters_facts_of_that_building_only(
    client, other_scopes
):
    world = other_scopes
    building = world.buildings[0]
    # About the building but outside gina's scope (greg's grid unit logged it), or of another
    # quarter, or hidden: none of them is shown.
    FieldLogEntryFactory(grid_unit=world.grid_units[1], building=building, author=world.greg,
                         seen=f"{GRID2_SECRET}看见一栋楼有人赌博")  # fmt: skip
    FieldLogEntryFactory(grid_unit=world.grid_units[0], building=building, author=world.gina,
                         date=NOW.previous.last, seen="上季度楼道有人吵架")  # fmt: skip
    client.force_login(world.gina)
    page = _html(client.get(ADD, {"building": building.pk, "quarter": str(NOW)}))
    assert f"{SECRET}楼道灯坏了" in page  # the desk's case about the building
    assert f"{SECRET}楼道堆放杂物" in page  # gina's field-log entry
    assert GRID2_SECRET not in page and "上季度楼道有人吵架" not in page
    assert "乙机密" not in page
    # Beside the item it concerns: rubbish in the stairwell is dirt or mess.
    facts = re.search(r'data-testid="facts-no_mess">(.*?)</div>', page, re.S).group(1)
    assert f"{SECRET}楼道堆放杂物" in facts
    # The quarter has a record already: what it says is there to correct.
    assert "这个季度已有记录" in page and f"{building.address}楼道堆放纸箱" in page

    response = client.post(ADD, _record(building, NOW))
    assert response.status_code == 302
    record = FourNoRecord.objects.get(building=building, year=NOW.year, quarter=NOW.number)
    assert record.passed and record.entered_by == world.gina
    assert FourNoRecord.objects.filter(building=building).count() == 5  # corrected, not added
    assert record.history.count() == 2


def test_what_nothing_suggests_starts_as_passed_and_the_rest_is_left_to_decide(client, world):
    building = BuildingFactory(grid_unit=world.grid_units[0], number="9")
    FieldLogEntryFactory(grid_unit=world.grid_units[0], building=building, author=world.gina,
                         seen="9号楼有两户在楼道里吵架")  # fmt: skip
    client.force_login(world.gina)
    form = client.get(ADD, {"building": building.pk}).context["form"]
    assert form.initial["no_mess"] is True and form.initial["no_vice"] is True
    assert "no_fights" not in form.initial


def test_a_failure_needs_a_note_said_in_place(client, world):
    client.force_login(world.gina)
    data = _record(world.buildings[0], NOW.previous, no_fights=False)
    page = _html(client.post(ADD, data))
    assert "未达标须写明情况。" in page
    assert not FourNoRecord.objects.filter(year=NOW.previous.year, quarter=NOW.previous.number)
    data["no_fights_note"] = "3 楼两户因噪音争吵"
    assert client.post(ADD, data).status_code == 302


def test_a_grid_worker_cannot_enter_for_another_grid_units_building(client, world):
    mine, greg_s = world.buildings
    client.force_login(world.gina)
    form = client.get(ADD).context["form"]
    assert list(form.fields["building"].queryset) == [mine]
    page = _html(client.post(ADD, _record(greg_s, NOW.previous)))
    assert "选择一个有效的选项" in page
    earlier = NOW.previous
    assert not FourNoRecord.objects.filter(
        building=greg_s, year=earlier.year, quarter=earlier.number
    )
    greg_record = FourNoRecord.objects.get(building=greg_s, year=NOW.year, quarter=NOW.number)
    assert client.get(greg_record.get_absolute_url()).status_code == 404
    assert client.post(greg_record.get_absolute_url(), _record(greg_s, NOW)).status_code == 404
    # Nor may staff of another community, nor the party worker, who only reads.
    client.force_login(world.charlie)
    assert client.get(greg_record.get_absolute_url()).status_code == 404
    client.force_login(world.peggy)
    assert client.get(LIST).status_code == 200
    assert client.get(ADD).status_code == 404


def test_the_quarter_page_shows_each_building_and_what_is_missing(client, world):
    client.force_login(world.alice)
    page = _html(client.get(LIST, {"quarter": str(NOW)}))
    assert "共 2 栋，已录入 2 栋，其中四无达标 0 栋。" in page
    assert f"{world.buildings[0].address}楼道堆放纸箱" in page
    earlier = NOW.previous
    page = _html(client.get(LIST, {"quarter": str(earlier)}))
    assert "2 栋未录入。" in page
    assert page.count(f"{ADD}?building=") == 2
    # The grid worker sees their own building, and not greg's note.
    client.force_login(world.gina)
    page = _html(client.get(LIST, {"quarter": str(NOW)}))
    assert "共 1 栋" in page and GRID2_SECRET not in page
    # Junk in the query string is the default quarter and community, not an error.
    assert client.get(LIST, {"quarter": "2026-7", "community": "x"}).status_code == 200


def test_records_stand_once_the_buildings_award_is_decided(client, world):
    first = world.buildings[0]
    decided = FourNoRecord.objects.get(building=first, year=YEAR, quarter=2)
    client.force_login(world.gina)
    assert client.get(decided.get_absolute_url()).status_code == 404
    page = _html(client.post(ADD, _record(first, Quarter(YEAR, 2), no_mess=False,
                                           no_mess_note="补记")))  # fmt: skip
    assert f"这栋楼 {YEAR} 年的文明评选已评定" in page
    assert FourNoRecord.objects.get(pk=decided.pk).passed
    assert "已评定" in _html(client.get(LIST, {"quarter": str(Quarter(YEAR, 2))}))


def test_a_building_failing_one_quarter_is_no_candidate(client, world):
    first, failing = world.buildings
    client.force_login(world.alice)
    page = _html(client.get(CANDIDATES, {"year": YEAR}))
    assert "第 4 季度四无未达标" in page
    assert f'name="building" value="{failing.pk}"' not in page
    assert f'name="building" value="{first.pk}"' in page  # its decision can be changed
    page = _html(client.post(DECIDE, {"year": YEAR, "building": failing.pk,
                                      "decision": Decision.CONFIRMED}))  # fmt: skip
    assert f"这栋楼 {YEAR} 年并非每个季度四无都达标" in page
    assert not CivilityAward.objects.filter(building=failing)


def test_the_quarters_still_missing_are_named(client, world):
    building = BuildingFactory(grid_unit=world.grid_units[0], number="7")
    for quarter in (1, 2):
        FourNoRecord.objects.create(
            community=world.community, building=building, year=YEAR, quarter=quarter,
            no_mess=True, no_vice=True, no_theft_or_fire=True, no_fights=True,
            entered_by=world.gina,
        )  # fmt: skip
    client.force_login(world.alice)
    assert "待录入第 3、4 季度" in _html(client.get(CANDIDATES, {"year": YEAR}))


def test_living_households_are_candidates_but_a_party_to_a_dispute(client, world):
    first = world.buildings[0]
    quarrelsome = HouseholdFactory(building=first, room="502")
    party = ResidentFactory(household=quarrelsome, full_name="邻里纠纷当事人")
    case = register_grievance(world.community, building=first, kind=Kind.DISPUTE, resident=party)
    type(case).objects.filter(pk=case.pk).update(year=YEAR)  # brought to the desk last year
    empty = HouseholdFactory(building=first, room="601")
    ResidentFactory(household=empty, status=Status.MOVED_OUT, status_changed_on=NOW.first)
    mentioned = HouseholdFactory(building=first, room="602")
    neighbour = ResidentFactory(household=mentioned, full_name="被提及的邻居")
    entry = FieldLogEntryFactory(grid_unit=world.grid_units[0], building=first,
                                 author=world.gina, seen="楼道杂物")  # fmt: skip
    type(entry).objects.filter(pk=entry.pk).update(date=Quarter(YEAR, 3).first)
    entry.residents.add(neighbour)

    client.force_login(world.alice)
    page = _html(client.get(CANDIDATES, {"year": YEAR}))
    assert "年内有纠纷诉求，不列入候选" in page
    assert f'name="household" value="{quarrelsome.pk}"' not in page
    assert str(empty) not in page  # nobody lives there
    assert f'name="household" value="{mentioned.pk}"' in page
    assert "民情日志提及 1 次" in page
    page = _html(client.post(DECIDE, {"year": YEAR, "building": first.pk,
                                      "household": quarrelsome.pk,
                                      "decision": Decision.CONFIRMED}))  # fmt: skip
    assert "不是" in page and "文明户候选" in page
    assert not CivilityAward.objects.filter(household=quarrelsome)


def test_staff_confirm_and_decline_and_the_list_prints_and_exports_the_confirmed(client, world):
    first = world.buildings[0]
    other = HouseholdFactory(building=first, room="702")
    ResidentFactory(household=other, full_name="不予评选户主")
    other.sync_head()
    client.force_login(world.alice)
    base = {"year": YEAR, "building": first.pk, "household": other.pk}
    page = _html(client.post(DECIDE, {**base, "decision": Decision.DECLINED}))
    assert "不予评选须写明理由。" in page
    response = client.post(DECIDE, {**base, "decision": Decision.DECLINED,
                                     "reason": "楼道私搭乱建未整改"})  # fmt: skip
    assert response.status_code == 302
    assert response.url == f"{CANDIDATES}?community={world.community.pk}&year={YEAR}"
    award = CivilityAward.objects.get(household=other)
    assert (award.decision, award.decided_by) == (Decision.DECLINED, world.alice)

    page = _html(client.get(AWARDS, {"year": YEAR}))
    confirmed = re.search(r'data-testid="awarded-households">(.*?)</table>', page, re.S).group(1)
    assert world.residents[0].name in confirmed  # the head of the household confirmed
    assert "不予评选户主" not in page
    assert first.address in page and "（盖章）" in page
    workbook = load_workbook(io.BytesIO(client.get(EXPORT, {"year": YEAR}).content))
    cells = [c for row in workbook.active.iter_rows(values_only=True) for c in row if c]
    assert "文明楼院" in cells and "文明户" in cells and world.residents[0].name in cells
    assert "不予评选户主" not in cells

    # Deciding again changes the decision, one row per household and year.
    client.post(DECIDE, {**base, "decision": Decision.CONFIRMED})
    assert CivilityAward.objects.get(household=other).decision == Decision.CONFIRMED
    assert "不予评选户主" in _html(client.get(AWARDS, {"year": YEAR}))


def test_confirming_all_confirms_only_the_undecided_candidates(client, other_scopes):
    world = other_scopes
    first = world.buildings[0]
    new = HouseholdFactory(building=first, room="802")
    ResidentFactory(household=new)
    declined = HouseholdFactory(building=first, room="803")
    ResidentFactory(household=declined)
    CivilityAward.objects.create(community=world.community, year=YEAR, building=first,
                                 household=declined, decision=Decision.DECLINED, reason="理由",
                                 decided_by=world.alice)  # fmt: skip
    client.force_login(world.alice)
    url = f"{CONFIRM}?community={world.community.pk}&year={YEAR}"
    assert client.post(url).status_code == 302
    assert CivilityAward.objects.get(household=new).decision == Decision.CONFIRMED
    assert CivilityAward.objects.get(household=declined).decision == Decision.DECLINED
    assert not CivilityAward.objects.filter(building=world.buildings[1])
    assert not CivilityAward.objects.filter(community=world.other_community)
    assert client.post(url).status_code == 302  # again: nothing left to confirm
    assert CivilityAward.objects.filter(household=new).count() == 1
    # Another community's staff, by its id, confirm nothing of alice's.
    client.force_login(world.charlie)
    assert client.post(url).status_code == 404


def test_only_community_staff_decide(client, world):
    client.force_login(world.gina)
    page = _html(client.get(CANDIDATES, {"year": YEAR}))
    assert "候选" in page and DECIDE not in page
    assert client.get(DECIDE).status_code == 404
    url = f"{CONFIRM}?community={world.community.pk}&year={YEAR}"
    assert client.post(url).status_code == 404
    assert not CivilityAward.objects.exclude(decided_by=world.alice)


def test_officials_read_counts_and_never_a_building(client, world):
    client.force_login(world.bob)
    page = _html(client.get(OVERVIEW, {"year": NOW.year}))
    assert world.community.name in page
    assert world.buildings[0].address not in page and "楼道堆放纸箱" not in page
    assert "2/2" in page  # this quarter: both buildings entered
    page = _html(client.get(OVERVIEW, {"year": YEAR}))
    row = re.search(rf"{world.community.name}</td>(.*?)</tr>", page, re.S).group(1)
    assert re.findall(r'text-end[^"]*">(\d+)</td>', row) == ["2", "1", "1"]  # buildings, awards
    for url in (LIST, CANDIDATES, AWARDS, ADD):
        assert client.get(url).status_code == 404
    assert world.other_community.name not in page
    client.force_login(world.alice)
    assert client.get(OVERVIEW).status_code == 404


def test_one_record_per_building_and_quarter_and_one_award_per_year_in_the_database(world):
    first = world.buildings[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        four_no_year(first, world.gina, YEAR)
    with pytest.raises(IntegrityError), transaction.atomic():
        CivilityAward.objects.create(
            community=world.community,
            year=YEAR,
            building=first,
            decision=Decision.CONFIRMED,
            decided_by=world.alice,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CivilityAward.objects.create(
            community=world.community,
            year=YEAR + 1,
            building=first,
            decision=Decision.DECLINED,
            decided_by=world.alice,
        )


def _page_queries(client, url, params, row: str) -> tuple[int, int]:
    client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured), _html(response).count(row)


def test_the_quarter_page_and_the_candidates_cost_the_same_queries_for_any_number_of_rows(
    client, world
):
    client.force_login(world.alice)
    quarter_page = (LIST, {"quarter": str(Quarter(YEAR, 4))}, "<tr>")
    candidates = (CANDIDATES, {"year": YEAR}, "<tr>")
    few = [_page_queries(client, *page) for page in (quarter_page, candidates)]
    for n in range(10):
        building = BuildingFactory(grid_unit=world.grid_units[n % 2], number=str(20 + n))
        four_no_year(building, world.gina, YEAR)
        for room in ("101", "102"):
            ResidentFactory(household=HouseholdFactory(building=building, room=room))
    many = [_page_queries(client, *page) for page in (quarter_page, candidates)]
    for (few_queries, few_rows), (many_queries, many_rows) in zip(few, many, strict=True):
        assert many_rows > few_rows
        assert many_queries == few_queries
