"""Every link a role is shown leads somewhere: no page offers a link that gives a 404 or 500.

Each demo account starts from the home page and follows, breadth first, every same-site link
and form action its pages show (GET forms submitted with the values they show), as a person
clicking through would. Downloads are requested but not read; signing out is not followed.
"""

from collections import deque

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from residents.models import Household
from shequ.models import User
from tests.fuzz_walker import parse_page

DEMO_ACCOUNTS = [
    "admin", "quzhang", "jiedao", "shequ", "wangge", "dangwu", "jumin", "shequ2", "bumen"
]  # fmt: skip
MAX_PAGES = 150
NOT_FOLLOWED = ("/accounts/logout/", "/admin/logout/", "/static/")


@pytest.fixture
def demo(db) -> None:
    call_command("seed_demo", "--streets", "1", "--communities", "2", "--grid-units", "2")


def _route(url: str) -> str:
    try:
        return resolve(url.split("?")[0]).view_name
    except Resolver404:
        return url


def broken_links(client: Client, start: str = "/") -> tuple[list[str], int]:
    """Links that give a 404 or a server error, each with the page that showed it; and how
    many pages were requested. Links to a kind of page not yet seen go first, so the bounded
    walk reaches every kind of page before it visits the thousandth resident."""
    fresh, repeats = deque([(start, "(start)")]), deque()
    seen, routes_seen, broken, requested = {start}, {_route(start)}, [], 0
    while (fresh or repeats) and requested < MAX_PAGES:
        url, shown_on = (fresh or repeats).popleft()
        response = client.get(url)
        requested += 1
        if response.status_code == 404 or response.status_code >= 500:
            broken.append(f"{url} → {response.status_code}, linked from {shown_on}")
            continue
        found = []
        if response.status_code in (301, 302) and response.url.startswith("/"):
            found = [response.url]
        elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
            html = response.content.decode()
            # A template comment over two lines is not a comment: it shows on the page.
            if "{#" in html or "#}" in html:
                broken.append(f"{url} shows template syntax, linked from {shown_on}")
            found = parse_page(url.split("?")[0], html).targets()
        for target in found:
            if target in seen or target.startswith(NOT_FOLLOWED):
                continue
            seen.add(target)
            route = _route(target)
            (repeats if route in routes_seen else fresh).append((target, url))
            routes_seen.add(route)
    return broken, requested


@pytest.mark.parametrize("username", DEMO_ACCOUNTS)
def test_every_link_and_form_a_demo_role_is_shown_leads_somewhere(client, demo, username):
    client.force_login(User.objects.get(username=username))
    broken, requested = broken_links(client)
    assert not broken, "\n".join(broken)
    assert requested > 1


def test_a_party_worker_is_not_offered_visits_or_field_log_entries_they_may_not_write(client, demo):
    """The known case: 党务工作者 may read the registry and the field log, not write in it."""
    grid_worker = User.objects.get(username="wangge")
    household = Household.objects.visible_to(grid_worker).order_by("pk").first()
    client.force_login(User.objects.get(username="dangwu"))
    pages = [
        client.get("/").content.decode(),
        client.get(reverse("residents:resident_list")).content.decode(),
        client.get(household.get_absolute_url()).content.decode(),
        client.get(household.members.first().get_absolute_url()).content.decode(),
        client.get(reverse("residents:visit_due")).content.decode(),
    ]
    for html in pages:
        assert reverse("residents:visit_add") not in html
        assert reverse("residents:fieldlogentry_add") not in html
    # A grid worker, who may write them, is still offered both.
    client.force_login(grid_worker)
    html = client.get(household.members.first().get_absolute_url()).content.decode()
    assert reverse("residents:visit_add") in html
    assert reverse("residents:fieldlogentry_add") in html
