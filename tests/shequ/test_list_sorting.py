"""Column sorting on every list page (`ObjectListView.sortable`): the rows come in the order the
sorted column shows, the reverse click reverses them, junk is ignored, and the query count
stays the same whatever the sort."""

import datetime
import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residents.choices import BuildingKind, HouseholdKind
from residents.models import FieldLogEntry
from residents.views.registry import ResidentListView
from shequ.chinese import initials
from shequ.models import District, Street
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    GridUnitFactory,
    HouseholdFactory,
    ResidentFactory,
    StreetFactory,
    UserFactory,
)


class _Cells(HTMLParser):
    """The text of every `<td>` of a page's table body, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_body = self._in_cell = False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append([])
        elif self._in_body and tag == "td":
            self._in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag == "td":
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell:
            self.rows[-1][-1] += data.strip()


def column(html: str, index: int) -> list[str]:
    parser = _Cells()
    parser.feed(html)
    return [row[index] for row in parser.rows]


def number(pattern: str) -> Callable[[str], tuple[int, ...]]:
    return lambda text: tuple(int(n) for n in re.search(pattern, text).groups())


ADDRESS = number(r"(\d+)号楼(\d+)单元(\d+)")
SEX = {"女": "F", "男": "M"}.__getitem__
HOUSEHOLD_KIND = {str(label): value for value, label in HouseholdKind.choices}.__getitem__
BUILDING_KIND = {str(label): value for value, label in BuildingKind.choices}.__getitem__


def head(text: str) -> tuple[bool, str]:
    return (text == "—", initials(text))


def street_code(name: str) -> str:
    return Street.objects.get(name=name).code


def district_code(name: str) -> str:
    return District.objects.get(name=name).code


# (who, list page, sort key, column it sorts, what the column's text is ordered by)
COLUMNS = [
    ("alice", "residents:resident_list", "name", 0, initials),
    ("alice", "residents:resident_list", "sex", 1, SEX),
    ("alice", "residents:resident_list", "age", 2, int),
    ("alice", "residents:resident_list", "address", 3, ADDRESS),
    ("alice", "residents:household_list", "address", 0, ADDRESS),
    ("alice", "residents:household_list", "number", 1, str),
    ("alice", "residents:household_list", "head", 2, head),
    ("alice", "residents:household_list", "kind", 3, HOUSEHOLD_KIND),
    ("alice", "residents:household_list", "members", 4, int),
    ("alice", "residents:building_list", "number", 0, number(r"(\d+)号楼")),
    ("alice", "residents:building_list", "grid_unit", 1, number(r"第(\d+)网格")),
    ("alice", "residents:building_list", "kind", 2, BUILDING_KIND),
    ("alice", "residents:building_list", "floors", 3, number(r"(\d+) × (\d+)")),
    ("alice", "residents:building_list", "households", 4, int),
    ("alice", "residents:gridunit_list", "name", 0, str),
    ("alice", "residents:gridunit_list", "code", 1, str),
    ("bob", "residents:gridunit_list", "community", 2, str),
    ("alice", "residents:gridunit_list", "buildings", 2, int),
    ("alice", "residents:gridunit_list", "residents", 3, int),
    ("bob", "community_list", "name", 0, str),
    ("bob", "community_list", "street", 1, street_code),
    ("root", "community_list", "district", 2, district_code),
    ("bob", "community_list", "code", 3, str),
    ("bob", "community_list", "grid_units", 4, int),
]


@pytest.fixture
def rows(world):
    """More rows in alice's community (and two more communities in bob's district), so every
    sortable column holds different values in an order that is not the default one."""
    unit = world.grid_units[1]
    building = BuildingFactory(grid_unit=unit, number="3", kind=BuildingKind.BUNGALOW, units=1,
                               floors=1, address="平房区")  # fmt: skip
    collective = HouseholdFactory(building=building, unit=1, room="101", number="A-01",
                                  kind=HouseholdKind.COLLECTIVE)  # fmt: skip
    for name, sex, born in (("孙立", "M", 2000), ("安娜", "F", 1980), ("赵敏", "F", 1970)):
        ResidentFactory(household=collective, full_name=name, sex=sex,
                        birth_date=datetime.date(born, 6, 1))  # fmt: skip
    for household, resident in zip(
        [*world.households, collective],
        [*world.residents[::2], collective.members.last()],
        strict=True,
    ):
        household.head = resident
        household.save()
    HouseholdFactory(building=world.buildings[0], unit=2, room="101", number="Z-99")
    east = StreetFactory(district=world.district, name="东关街道", code="370301002")
    west = StreetFactory(district=world.district, name="西关街道", code="370301000")
    CommunityFactory(street=east, name="东关社区", code="370301002001")
    west_community = CommunityFactory(street=west, name="西关社区", code="370301000001")
    for n in (1, 2, 3):
        GridUnitFactory(community=west_community, number=n, name=f"西关第{n}网格")
    FieldLogEntry.objects.create(
        community=world.community, grid_unit=unit, building=building, author=world.alice,
        seen="平房漏雨", date=datetime.date(2025, 12, 1),
    )  # fmt: skip
    world.root = UserFactory(username="root", is_superuser=True, is_staff=True)
    return world


def _get(client, user, page, params):
    client.force_login(user)
    response = client.get(reverse(page), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("who", "page", "key", "index", "order_of"), COLUMNS)
def test_it_orders_the_rows_as_the_sorted_column_shows_them(
    client, rows, who, page, key, index, order_of
):
    user = getattr(rows, who)
    ascending = column(_get(client, user, page, {"sort": key}), index)
    descending = column(_get(client, user, page, {"sort": f"-{key}"}), index)

    assert len(set(ascending)) >= 2, "the column must hold different values to show an order"
    assert ascending == sorted(ascending, key=order_of)
    # Ties are broken by the primary key both ways, so the reverse click is the exact reverse,
    # except that empty cells stay at the bottom as in a spreadsheet.
    filled = [text for text in ascending if text != "—"]
    assert descending == filled[::-1] + ["—"] * (len(ascending) - len(filled))


def test_it_sorts_names_by_pinyin_as_a_printed_roster_does(client, rows):
    html = _get(client, rows.alice, "residents:resident_list", {"sort": "name"})

    names = column(html, 0)
    assert names == ["安娜", "李甲机密", "孙立", "王甲机密", "张甲机密", "赵敏"]
    assert 'aria-sort="ascending"' in html
    assert "?sort=-name" in html  # the sorted header's link reverses it


# An entry's first line: "date · grid unit[ · building]", then its author.
ENTRY = re.compile(r"<span>(\d{4}-\d\d-\d\d) · ([^<·]+?)(?: · [^<]*)?</span><span>([^<]+)</span>")


@pytest.mark.parametrize(("key", "part", "order_of"), [
    ("date", 0, str), ("grid_unit", 1, number(r"第(\d+)网格")), ("author", 2, str),
])  # fmt: skip
def test_it_sorts_the_field_log_by_date_grid_unit_and_author(client, rows, key, part, order_of):
    def shown(sort: str) -> list[str]:
        html = _get(client, rows.alice, "residents:fieldlogentry_list", {"sort": sort})
        return [entry[part] for entry in ENTRY.findall(html)]

    ascending = shown(key)
    assert len(set(ascending)) == 2
    assert ascending == sorted(ascending, key=order_of)
    assert shown(f"-{key}") == ascending[::-1]


@pytest.mark.parametrize(
    "junk", ["password", "-household__community__name", "--name", "name;drop", "", "-", "名"]
)
def test_it_ignores_a_sort_key_the_view_does_not_declare(client, rows, junk):
    default = column(_get(client, rows.alice, "residents:resident_list", {}), 0)

    html = _get(client, rows.alice, "residents:resident_list", {"sort": junk})

    assert column(html, 0) == default
    assert "aria-sort" not in html


def test_pages_keep_the_sort_and_continue_its_order(client, rows, monkeypatch):
    monkeypatch.setattr(ResidentListView, "paginate_by", 4)
    first = _get(
        client, rows.alice, "residents:resident_list", {"sort": "-age", "status": "living"}
    )

    assert "?sort=-age&amp;status=living&amp;page=2" in first
    second = _get(
        client,
        rows.alice,
        "residents:resident_list",
        {"sort": "-age", "status": "living", "page": 2},
    )
    ages = [int(a) for a in column(first, 2) + column(second, 2)]
    assert len(ages) == 6
    assert ages == sorted(ages, reverse=True)
    # A header link starts the new order on page 1 and keeps the filter.
    assert "?sort=name&amp;status=living" in second


def test_an_htmx_sort_answers_with_the_table_and_tells_the_filter_form(client, rows):
    client.force_login(rows.alice)

    response = client.get(reverse("residents:household_list"), {"sort": "-members"},
                          headers={"HX-Request": "true"})  # fmt: skip

    html = response.content.decode()
    assert "<form" not in html
    assert 'id="list-sort" hx-swap-oob="true"' in html
    assert 'name="sort" value="-members"' in html


@pytest.mark.parametrize(
    ("who", "page", "keys"),
    [
        ("alice", "residents:resident_list", ["name", "-age", "address", "sex"]),
        ("alice", "residents:household_list", ["address", "-head", "members"]),
        ("alice", "residents:building_list", ["grid_unit", "-households"]),
        ("alice", "residents:gridunit_list", ["-residents", "code"]),
        ("alice", "residents:fieldlogentry_list", ["grid_unit", "-author"]),
        ("bob", "community_list", ["street", "-grid_units", "district"]),
    ],
)
def test_sorting_does_not_change_the_number_of_queries(client, rows, who, page, keys):
    client.force_login(getattr(rows, who))
    url = reverse(page)
    client.get(url)  # the session's first activity stamp is written once

    def queries(params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, params).status_code == 200
        return len(captured.captured_queries)

    unsorted = queries({})
    assert [queries({"sort": key}) for key in keys] == [unsorted] * len(keys)
