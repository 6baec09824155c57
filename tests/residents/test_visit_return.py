"""记录走访 started from 待走访 goes back there after saving; any other `next` is ignored."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from residents.models import ResidentTag

DUE = reverse("residents:visit_due")


def test_the_due_list_links_to_the_visit_form_with_the_way_back(client, world):
    world.residents[0].tags.add(ResidentTag.objects.get(code="elderly_alone"))
    client.force_login(world.gina)

    html = client.get(DUE, {"grid_unit": world.grid_units[0].pk}).content.decode()

    back = quote(f"{DUE}?grid_unit={world.grid_units[0].pk}")
    household = world.households[0].pk
    assert f"/residents/visits/add/?household={household}&amp;next={back}" in html


def test_saving_a_visit_started_from_the_due_list_returns_to_it_with_the_message(client, world):
    client.force_login(world.gina)
    back = f"{DUE}?grid_unit={world.grid_units[0].pk}"
    url = f"{reverse('residents:visit_add')}?household={world.households[0].pk}&next={back}"

    response = client.post(url, {"household": world.households[0].pk, "visited_on": "2026-01-10",
                                 "notes": "上门看望"}, follow=True)  # fmt: skip

    assert response.redirect_chain == [(back, 302)]
    assert "已记录走访" in response.content.decode()


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/residents/", "javascript:alert(1)", ""]
)
def test_a_next_to_another_site_goes_to_the_household_instead(client, world, next_url):
    client.force_login(world.gina)
    url = f"{reverse('residents:visit_add')}?household={world.households[0].pk}"

    response = client.post(url, {"household": world.households[0].pk, "visited_on": "2026-01-10",
                                 "notes": "上门看望", "next": next_url})  # fmt: skip

    assert response.status_code == 302
    assert response["Location"] == world.households[0].get_absolute_url()
