"""Finding a resident by a whole ID or mobile number: only by POST (never in a URL), inside the
user's scope, each lookup in the access log, and a limited number of times an hour."""

from django.urls import reverse

from shequ import personal_data
from shequ.models import AccessLog

LIST = reverse("residents:resident_list")
LOOKUP = reverse("residents:resident_lookup")


def lookup(client, number: str, **headers) -> str:
    response = client.post(LOOKUP, {"number": number}, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_offers_a_post_form_for_whole_numbers(client, world):
    client.force_login(world.gina)
    html = client.get(LIST).content.decode()
    assert f'method="post" action="{LOOKUP}"' in html
    assert "js/number-lookup.js" in html


def test_a_whole_id_number_finds_the_resident_and_is_logged(client, world):
    target = world.residents[2]
    client.force_login(world.alice)
    html = lookup(client, f" {target.id_number.lower()} ")
    assert target.name in html
    assert world.residents[0].name not in html
    assert "按完整号码查找到 1 人（本次查找已记录）" in html
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.object_id) == (
        world.alice,
        AccessLog.SEARCH_BY_NUMBER,
        str(target.pk),
    )
    assert target.id_number not in entry.object_repr


def test_a_whole_mobile_number_finds_the_resident_in_place(client, world):
    client.force_login(world.gina)
    html = lookup(client, "138 1234 5678", **{"HX-Request": "true"})
    assert world.residents[0].name in html and world.residents[1].name not in html
    assert "<html" not in html  # the table only, swapped in place


def test_a_lookup_stays_inside_the_users_scope_and_a_miss_is_logged_too(client, world):
    client.force_login(world.gina)  # grid 1; residents[2] lives in grid 2
    html = lookup(client, world.residents[2].id_number)
    assert world.residents[2].name not in html
    assert "按完整号码查找到 0 人" in html
    entry = AccessLog.objects.get()
    assert (entry.action, entry.community) == (
        AccessLog.SEARCH_BY_NUMBER_NOT_FOUND,
        world.community,
    )


def test_whole_number_lookups_are_limited_per_user_and_hour(client, world):
    client.force_login(world.gina)
    guess = world.residents[0].id_number[:-1] + "0"
    for _ in range(personal_data.NUMBER_LOOKUPS_PER_HOUR):
        assert "按完整号码查找到 0 人" in lookup(client, guess)
    html = lookup(client, world.residents[0].id_number)
    assert "每小时最多 20 次，已达上限" in html
    assert world.residents[0].name not in html
    assert AccessLog.objects.count() == personal_data.NUMBER_LOOKUPS_PER_HOUR
    client.force_login(world.alice)  # another user has their own allowance
    assert world.residents[0].name in lookup(client, world.residents[0].id_number)


def test_an_unreachable_cache_refuses_lookups(world):
    class Down:
        def add(self, *args, **kwargs):
            raise ConnectionError("redis is down")

    assert personal_data.take_number_lookup(world.gina.pk, cache=Down()) is False


def test_filtering_on_a_lookups_page_goes_back_to_the_list_and_never_looks_up(client, world):
    """Without JavaScript the lookup answers with the whole list page, whose filter form
    sends a GET to the page's own address."""
    client.force_login(world.alice)
    number = world.residents[0].id_number
    response = client.get(LOOKUP, {"number": number, "status": "left"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?status=left"
    assert not AccessLog.objects.exists()


def test_whole_numbers_are_told_apart_from_names_and_last_digits():
    for text in (
        "370302195003070115",
        "13812345678",
        "E12345678",
        "１３８１２３４５６７８",
        "12345",
    ):
        assert personal_data.is_number_query(text), text
    for text in ("张三", "zs", "5678", "002X", "1号楼", ""):
        assert not personal_data.is_number_query(text), text
