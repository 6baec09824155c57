"""Each role lands on a home page of its own, with counts from its scope."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shequ.models import Role
from tests.factories import CommunityFactory, GridUnitFactory, StreetFactory, UserFactory, assign


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_community_staff_their_community_and_its_counts(client, world):
    page = home(client, world.alice)
    assert "社区工作人员" in page
    assert "甲机密区 / 甲机密街道 / 甲机密社区" in page
    assert 'data-testid="count-grid-units">2<' in page
    assert "在住居民" in page and "待走访" in page
    assert "乙社区" not in page
    assert reverse("admin:index") not in page


def test_it_shows_a_grid_worker_only_their_grid_unit(client, world):
    page = home(client, world.gina)
    assert "甲机密第1网格" in page
    assert 'data-testid="count-grid-units">1<' in page


def test_it_shows_an_official_every_community_of_their_district(client, world):
    sibling = CommunityFactory(
        street=StreetFactory(district=world.district, code="370301002"), name="邻居社区"
    )
    GridUnitFactory(community=sibling, number=1)
    page = home(client, world.bob)
    assert "街道/区级领导" in page
    assert 'data-testid="count-communities">2<' in page
    assert 'data-testid="count-streets">2<' in page
    assert "甲机密社区" in page and "邻居社区" in page
    assert "乙社区" not in page


def test_it_gives_an_administrator_the_system_overview(client, world):
    admin = UserFactory(is_superuser=True, is_staff=True)
    page = home(client, admin)
    assert "系统管理员" in page
    assert 'data-testid="count-communities">2<' in page
    assert reverse("admin:shequ_district_changelist") in page


def test_it_shows_a_resident_how_to_reach_their_community_office(client, world):
    world.community.phone = "0533-1234567"
    world.community.save()
    resident = UserFactory()
    assign(resident, Role.RESIDENT, world.community)
    page = home(client, resident)
    assert "0533-1234567" in page
    assert reverse("community_list") not in page, "residents do not browse the registry"


def test_it_tells_a_user_without_a_role_to_ask_for_one(client, db):
    page = home(client, UserFactory())
    assert "还没有分配角色" in page


def test_it_sends_anonymous_visitors_to_the_login_page(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_runs_a_fixed_number_of_queries_however_many_communities(client, world):
    client.force_login(world.bob)
    client.get(reverse("home"))  # the first request of a session also writes the session

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("home"))
        return len(ctx.captured_queries)

    few = queries()
    for n in range(2, 40):
        GridUnitFactory(
            community=CommunityFactory(street=world.street, code=f"370301001{n:03d}"), number=1
        )
    assert queries() == few
