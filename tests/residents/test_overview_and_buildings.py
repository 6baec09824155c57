import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residents.models import ResidentTag
from tests.factories import CommunityFactory, ResidentFactory

OVERVIEW = reverse("residents:overview")


def test_the_overview_counts_population_in_the_users_scope(client, world):
    ResidentFactory(
        household=world.households[1], full_name="小孩", birth_date=datetime.date(2022, 1, 1),
        residence_type="floating",
    )  # fmt: skip
    client.force_login(world.alice)
    response = client.get(OVERVIEW)
    figures = response.context["figures"]
    assert figures["living"] == 4
    assert dict(response.context["by_type"]) == {"户籍": 3, "流动": 1}
    by_age = dict(response.context["by_age"])
    assert by_age["0–6 岁"] == 1 and by_age["60 岁以上"] == 2 and by_age["80 岁以上"] == 0
    assert {t.name: t.n for t in response.context["tags"]}["独居/空巢老人"] == 1


def test_a_grid_worker_counts_only_their_grid_units(client, world):
    client.force_login(world.gina)
    assert client.get(OVERVIEW).context["figures"]["living"] == 2


def test_an_official_reads_counts_for_every_community_but_no_names(client, world):
    client.force_login(world.bob)
    response = client.get(OVERVIEW)
    html = response.content.decode()
    assert response.context["figures"]["living"] == 3
    assert all(resident.name not in html for resident in world.residents)
    assert "刑释解教人员" not in html  # sensitive groups are the community staff's business


def test_the_overview_runs_a_fixed_number_of_queries(client, world):
    # Two communities from the start: one or several is a branch of its own.
    CommunityFactory(street=world.street, code="370301001002")
    client.force_login(world.bob)
    client.get(OVERVIEW)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get(OVERVIEW)
        return len(ctx.captured_queries)

    few = queries()
    for n in range(3, 12):
        CommunityFactory(street=world.street, code=f"370301001{n:03d}")
    ResidentFactory.create_batch(10, household=world.households[0],
                                 tags=[ResidentTag.objects.get(code="disabled")])  # fmt: skip
    assert queries() == few


def test_the_building_page_shows_households_floor_by_floor(client, world):
    client.force_login(world.alice)
    html = client.get(world.buildings[0].get_absolute_url()).content.decode()
    assert f'href="{world.households[0].get_absolute_url()}"' in html
    assert world.residents[0].name in html
    assert world.residents[2].name not in html  # the other building's
    assert html.index(">6</th>") < html.index(">3</th>") < html.index(">1</th>")
