"""The household pickers search as you type: the endpoint answers from the user's own households
only, in a fixed number of queries, and junk is an empty answer, never an error."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residents.models import Visit
from tests.conftest import SECRET
from tests.factories import HouseholdFactory, ResidentFactory

URL = reverse("residents:household_search")
# The shared cast's two households, as the picker labels them: address, 户号 and head.
FIRST = f"1号楼1单元301 · {SECRET}1 · 户主 张{SECRET}"
SECOND = f"2号楼1单元301 · {SECRET}2 · 户主 李{SECRET}"


def search(client, user, q: str) -> list[str]:
    client.force_login(user)
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return [result["label"] for result in response.json()["results"]]


def test_it_finds_a_household_by_number_room_building_and_room_or_a_members_name(client, world):
    HouseholdFactory(building=world.buildings[0], unit=2, room="302", number="Q-7")

    assert search(client, world.alice, "甲机密1") == [FIRST]
    assert search(client, world.alice, "q-7") == ["1号楼2单元302 · Q-7"]
    assert search(client, world.alice, "1-302") == ["1号楼2单元302 · Q-7"]
    assert search(client, world.alice, "1-30") == [
        FIRST,
        "1号楼2单元302 · Q-7",
    ]
    assert search(client, world.alice, "2-30") == [SECOND]
    assert search(client, world.alice, "1号楼1单元301") == [FIRST]
    assert search(client, world.alice, f"王{SECRET}") == [FIRST]
    # Pinyin initials, and a traditional spelling of the name.
    ResidentFactory(household=world.households[1], full_name="陳國華")
    assert search(client, world.alice, "cgh") == [SECOND]
    assert search(client, world.alice, "陈国华") == [SECOND]


def test_it_shows_the_head_of_the_household(client, world):
    household = world.households[1]
    household.head = None
    household.save()

    assert search(client, world.alice, "301") == [FIRST, f"2号楼1单元301 · {SECRET}2"]


def test_a_stranger_finds_nothing_of_another_community(client, world):
    assert search(client, world.alice, f"{SECRET}1") != []

    for q in (f"{SECRET}1", "301", f"张{SECRET}", "zjjm", "1-301"):
        assert search(client, world.charlie, q) == []


def test_a_grid_worker_finds_only_the_households_of_their_grid_units(client, world):
    assert search(client, world.gina, "301") == [FIRST]
    assert search(client, world.gina, f"李{SECRET}") == []  # lives in the second grid unit


def test_an_official_who_may_not_see_households_gets_a_404(client, world):
    client.force_login(world.bob)
    assert client.get(URL, {"q": "301"}).status_code == 404


def test_it_answers_at_most_20_in_a_fixed_number_of_queries(client, world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"q": "H0"}).status_code == 200
        return len(captured.captured_queries)

    client.force_login(world.alice)
    client.get(URL)  # the session's first activity stamp is written once
    HouseholdFactory(building=world.buildings[0], number="H0-first")
    few = queries()
    for n in range(30):
        HouseholdFactory(building=world.buildings[n % 2], number=f"H0-{n}")

    assert queries() == few
    assert len(search(client, world.alice, "H0")) == 20


@pytest.mark.parametrize(
    "junk",
    ["", "   ", "\x00", "a\x00b", "%", "_", "\\", "'; drop table residents_household; --",
     "1-", "-301", "99999999999999999999-1", "(" * 40, "名" * 500, "\x0b301", "🏠", "1号楼单元"],
)  # fmt: skip
def test_junk_is_an_empty_or_ordinary_answer_never_an_error(client, world, junk):
    client.force_login(world.alice)

    response = client.get(URL, {"q": junk})

    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


def test_the_form_still_refuses_a_household_outside_the_scope(client, world):
    """The search only saves scrolling: a posted id is checked against the scoped choices."""
    foreign = HouseholdFactory(building__grid_unit__community=world.other_community)
    client.force_login(world.gina)

    response = client.post(
        reverse("residents:visit_add"),
        {"household": foreign.pk, "visited_on": "2026-01-10", "notes": "走访"},
    )

    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Visit.objects.filter(household=foreign).exists()


def test_the_visit_and_resident_forms_render_the_search_box_over_the_select(client, world):
    client.force_login(world.alice)
    for url in (reverse("residents:visit_add"), reverse("residents:resident_add")):
        html = client.get(url, {"household": world.households[0].pk}).content.decode()
        assert f'data-search-url="{URL}"' in html
        # Without JavaScript the select is the picker, with the chosen household selected.
        assert f'<option value="{world.households[0].pk}" selected>' in html
