import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residents.models import ResidentTag
from tests.factories import CommunityFactory, ResidentFactory

OVERVIEW = reverse("residents:overview")


def shown_count(html: str, label: str) -> int:
    """The number the page shows beside a label, in a figure card or a list line."""
    label = re.escape(label)
    card = re.search(rf'stat-value"[^>]*>([\d,]+)</div><div class="stat-label">{label}<', html)
    line = re.search(rf"<span>{label}</span><span[^>]*>([\d,]+)<", html)
    found = card or line
    assert found, f"no count beside {label} on the page"
    return int(found.group(1).replace(",", ""))


def living(client) -> int:
    html = client.get(OVERVIEW).content.decode()
    return int(re.search(r'data-testid="living">([\d,]+)<', html).group(1).replace(",", ""))


def test_the_overview_counts_population_in_the_users_scope(client, world):
    ResidentFactory(
        household=world.households[1], full_name="小孩", birth_date=datetime.date(2022, 1, 1),
        residence_type="floating",
    )  # fmt: skip
    client.force_login(world.alice)
    assert living(client) == 4
    html = client.get(OVERVIEW).content.decode()
    assert (shown_count(html, "户籍"), shown_count(html, "流动")) == (3, 1)
    assert shown_count(html, "0–6 岁") == 1
    assert (shown_count(html, "60 岁以上"), shown_count(html, "80 岁以上")) == (2, 0)
    assert shown_count(html, "独居/空巢老人") == 1


def test_a_grid_worker_counts_only_their_grid_units(client, world):
    client.force_login(world.gina)
    assert living(client) == 2


def test_an_official_reads_counts_for_every_community_but_no_names(client, world):
    client.force_login(world.bob)
    html = client.get(OVERVIEW).content.decode()
    assert living(client) == 3
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
