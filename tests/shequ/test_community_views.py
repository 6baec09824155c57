from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CommunityFactory, GridUnitFactory, StreetFactory

LIST = reverse("community_list")


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_lists_an_officials_communities_with_their_grid_unit_counts(client, world):
    client.force_login(world.bob)
    page = client.get(LIST).content.decode()
    assert "甲机密社区" in page
    assert "370301001001" in page
    assert "乙社区" not in page


def test_it_keeps_the_list_at_a_fixed_number_of_queries(client, world):
    client.force_login(world.bob)
    client.get(LIST)  # the first request of a session also writes the session
    few = queries_for(client, LIST)
    for n in range(2, 60):
        community = CommunityFactory(street=world.street, code=f"370301001{n:03d}")
        GridUnitFactory(community=community, number=1)
        GridUnitFactory(community=community, number=2)
    assert queries_for(client, LIST) == few
    assert queries_for(client, LIST + "?page=2") == few


def test_it_filters_by_street_and_search_and_answers_htmx_with_the_table_only(client, world):
    other_street = StreetFactory(district=world.district, code="370301002", name="二街道")
    CommunityFactory(street=other_street, name="二街社区", code="370301002001")
    client.force_login(world.bob)
    page = client.get(LIST, {"street": other_street.pk}).content.decode()
    assert "二街社区" in page and "甲机密社区" not in page
    table = client.get(LIST, {"q": "甲机密"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in table
    assert "甲机密社区" in table and "二街社区" not in table


def test_it_answers_a_bad_filter_value_with_a_message_not_an_error(client, world):
    client.force_login(world.bob)
    for street in ("abc", "999999", str(world.other_community.street_id)):
        response = client.get(LIST, {"street": street})
        assert response.status_code == 200
        page = response.content.decode()
        assert "筛选条件有误" in page
        assert "乙社区" not in page


def test_it_shows_a_grid_worker_only_their_grid_unit_on_the_community_page(client, world):
    client.force_login(world.gina)
    page = client.get(world.community.get_absolute_url()).content.decode()
    assert "甲机密第1网格" in page
    assert "甲机密第2网格" not in page
    assert "吉娜" in page


def test_it_hides_another_communitys_page(client, world):
    client.force_login(world.charlie)
    assert client.get(world.community.get_absolute_url()).status_code == 404


def test_it_answers_a_missing_page_in_chinese(client, world, settings):
    settings.DEBUG = False
    client.force_login(world.charlie)
    response = client.get(world.community.get_absolute_url())
    assert response.status_code == 404
    assert "不在您的工作范围内" in response.content.decode()
