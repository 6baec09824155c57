"""诉求统计: officials read their street's or district's figures from monthly snapshots, kept
fresh after every step of a case; the page costs the same however many cases there are."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grievances import services, sweeps
from grievances.choices import Channel, Kind
from grievances.models import Category, Grievance, GrievanceMonth
from grievances.models.stats import refresh_grievance_months, stale_communities
from grievances.tasks import grievance_months_catch_up, grievance_months_refresh
from tests.factories import CommunityFactory

# The book starts empty: these tests count numbers, messages and figures.
pytestmark = pytest.mark.empty_desk


def _case(community, by, **extra):
    category, _ = Category.objects.get_or_create(
        code="stat-test", defaults={"name": "统计测试", "time_limit_days": 5}
    )
    fields = {
        "community": community, "category": category, "kind": Kind.COMPLAINT,
        "channel": Channel.VISIT, "title": "漏水", "description": "楼上漏水", "address": "3号楼",
        "by": by,
    }  # fmt: skip
    return services.grievance_register(**{**fields, **extra})


@pytest.fixture
def cases(world):
    on_time = _case(world.community, world.alice)
    services.grievance_reply(grievance=on_time, by=world.alice, reply="已修好")
    services.grievance_rate(grievance=on_time, rating=5)
    late = _case(world.community, world.alice, channel=Channel.PHONE)
    Grievance.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - datetime.timedelta(1))
    hidden = _case(world.community, world.alice)
    services.grievance_hide(grievance=hidden, by=world.alice, reason="辱骂")
    _case(world.other_community, world.charlie)
    refresh_grievance_months()
    return on_time, late


def _totals(client, user, **params) -> dict:
    client.force_login(user)
    response = client.get(reverse("grievances:statistics"), params)
    assert response.status_code == 200
    return response.context["total"].figures


def test_an_official_reads_the_district_figures_without_other_districts_or_hidden_cases(
    client, world, cases
):
    totals = _totals(client, world.bob)
    assert totals["received"] == 2  # the hidden one is not counted, charlie's is elsewhere
    assert (totals["resolved"], totals["on_time"], totals["overdue"]) == (1, 1, 1)
    assert (totals["rated"], totals["satisfied"], totals["rating_sum"]) == (1, 1, 5)
    html = client.get(reverse("grievances:statistics"), {"by": "channel"}).content.decode()
    assert "来访" in html and "来电" in html and "100.0%" in html


def test_community_staff_read_their_own_community_and_workers_without_it_get_404(
    client, world, cases
):
    assert _totals(client, world.charlie)["received"] == 1
    for user in (world.gina, world.rita, world.peggy):
        client.force_login(user)
        assert client.get(reverse("grievances:statistics")).status_code == 404


def test_every_step_counts_again_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        _case(world.community, world.alice)
    assert [(c.task, c.community_ids) for c in callbacks] == [
        (grievance_months_refresh, {world.community.pk})
    ]
    grievance_months_refresh([world.community.pk])
    assert GrievanceMonth.objects.get(community=world.community).received == 1


def test_the_hourly_catch_up_recounts_only_the_communities_whose_refresh_was_lost(
    world, cases, broker_down, django_capture_on_commit_callbacks
):
    assert stale_communities() == []
    late = cases[1]
    with django_capture_on_commit_callbacks(execute=True):
        services.grievance_reply(grievance=late, by=world.alice, reply="已处理")
    assert GrievanceMonth.objects.get(community=world.community).resolved == 1  # lost
    assert stale_communities() == [world.community.pk]
    assert grievance_months_catch_up() == 1  # the community's one month, and no other's
    assert GrievanceMonth.objects.get(community=world.community).resolved == 2
    assert stale_communities() == []


def test_a_case_the_sweep_finds_overdue_is_counted_again_in_its_community(
    world, cases, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        sweeps.time_limits_sweep(today=timezone.localdate())
    refreshes = [(c.task, c.community_ids) for c in callbacks if hasattr(c, "task")]
    assert refreshes == [(grievance_months_refresh, {world.community.pk})]


def test_junk_in_the_address_is_ignored(client, world, cases):
    client.force_login(world.bob)
    for params in ({"from": "2026-13", "to": "x"}, {"by": "'; drop"}, {"community": "abc"},
                   {"from": "\x00"}, {"community": world.other_community.pk}):  # fmt: skip
        response = client.get(reverse("grievances:statistics"), params)
        assert response.status_code == 200
        assert response.context["total"].figures["received"] == 2


def test_the_page_runs_the_same_queries_for_three_communities_as_for_thirty(client, world):
    def queries() -> int:
        refresh_grievance_months()
        client.force_login(world.bob)
        client.get(reverse("grievances:statistics"))  # the first request also saves the session
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("grievances:statistics")).status_code == 200
        return len(captured)

    for _ in range(3):
        _case(CommunityFactory(street=world.street), world.bob, channel=Channel.ONLINE)
    few = queries()
    for _ in range(27):
        _case(CommunityFactory(street=world.street), world.bob, channel=Channel.ONLINE)
    assert queries() == few
