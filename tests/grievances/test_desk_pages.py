"""The desk's list, case page and printed register: who sees which cases, and how."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grievances import services
from grievances.models import Grievance
from tests.conftest import DEPARTMENT_A_SECRET, DEPARTMENT_B_SECRET, GRID2_SECRET, SECRET

LIST = reverse("grievances:grievance_list")
ROW = re.compile(r'href="/grievances/(\d+)/"')


def listed(client, user, query: dict | None = None) -> set[int]:
    client.force_login(user)
    response = client.get(LIST, query or {})
    assert response.status_code == 200
    return {int(pk) for pk in ROW.findall(response.content.decode())}


def test_each_role_lists_the_cases_of_its_scope_and_no_other(client, world):
    alice_cases = {case.pk for case in world.grievances} | {world.dispute.pk}
    grid1, grid2, to_a, to_b = (case.pk for case in world.grievances)
    assert listed(client, world.alice) == alice_cases
    assert listed(client, world.bob) == alice_cases  # the district's official
    assert listed(client, world.gina) == {grid1, world.dispute.pk}  # both in her grid unit
    assert listed(client, world.greg) == {grid2}
    assert listed(client, world.dora) == {to_a}
    assert listed(client, world.dan) == {to_b}
    assert listed(client, world.charlie) == set()
    client.force_login(world.rita)
    assert client.get(LIST).status_code == 404  # residents follow their case by its code


def test_who_reaches_several_communities_sees_each_cases_community_and_may_pick_one(client, world):
    alice_cases = {case.pk for case in world.grievances} | {world.dispute.pk}
    client.force_login(world.bob)
    page = client.get(LIST).content.decode()
    assert ">社区</th>" in page and f"<td>{world.community.name}</td>" in page
    assert 'name="community"' in page
    assert listed(client, world.bob, {"community": world.community.pk}) == alice_cases
    # Another district's community is no choice of his: an empty list and a message, no rows.
    assert listed(client, world.bob, {"community": world.other_community.pk}) == set()
    # The staff of one community are not asked which community.
    client.force_login(world.alice)
    page = client.get(LIST).content.decode()
    assert ">社区</th>" not in page and 'name="community"' not in page


def test_a_department_handler_sees_only_what_was_escalated_to_them(client, world):
    client.force_login(world.dora)
    page = client.get(LIST).content.decode()
    assert DEPARTMENT_A_SECRET in page
    assert DEPARTMENT_B_SECRET not in page and GRID2_SECRET not in page
    to_b = world.grievances[3]
    assert client.get(to_b.get_absolute_url()).status_code == 404
    assert client.post(reverse("grievances:grievance_note", args=[to_b.pk]), {
        "note-note": "看看"
    }).status_code == 404  # fmt: skip
    # Nor may they register cases at a community's desk.
    assert client.get(reverse("grievances:grievance_add")).status_code == 404


def test_hidden_cases_are_left_out_unless_the_filter_asks(client, world):
    hidden = world.grievances[0]
    services.grievance_hide(grievance=hidden, by=world.alice, reason="灌水")
    assert hidden.pk not in listed(client, world.alice)
    assert listed(client, world.alice, {"hidden": "yes"}) == {hidden.pk}
    assert hidden.pk in listed(client, world.alice, {"hidden": ""})


def test_the_due_date_turns_yellow_at_the_warning_day_and_red_after_it(client, world, register):
    today = timezone.localdate()
    warning, late = register("临近时限"), register("已超期")
    Grievance.objects.filter(pk=warning.pk).update(warn_on=today, due_on=today)
    # The sweep has not run: the flag is still False, the page counts from the dates.
    Grievance.objects.filter(pk=late.pk).update(
        warn_on=today - datetime.timedelta(days=3), due_on=today - datetime.timedelta(days=1),
        overdue=False,
    )  # fmt: skip
    client.force_login(world.alice)
    page = client.get(LIST).content.decode()
    assert page.count('data-due="warning"') == 1 and page.count('data-due="overdue"') == 1
    assert listed(client, world.alice, {"overdue": "yes"}) == {late.pk}
    services.grievance_reply(grievance=late, by=world.alice, reply="已修好")
    assert listed(client, world.alice, {"overdue": "yes"}) == set()  # a reply stops the clock


def test_the_search_finds_a_case_by_register_number_or_title(client, world):
    first = world.grievances[0]
    assert listed(client, world.alice, {"q": first.register_number}) == {first.pk}
    assert listed(client, world.alice, {"q": f"{first.year}－{first.sequence}"}) == {first.pk}
    assert listed(client, world.alice, {"q": "楼道灯"}) == {first.pk}
    # Junk in the filters is a message above an empty list, never an error page.
    junk = {"q": "\x00x", "state": "junk", "category": "abc", "received_after": "2026-02-30"}
    assert listed(client, world.alice, junk) == set()


def test_the_list_costs_the_same_queries_for_one_case_or_many(client, world, register):
    client.force_login(world.alice)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST)
        return len(captured), len(ROW.findall(response.content.decode()))

    queries()  # the first page of a process also renders the menu and reads the categories
    few, few_rows = queries()
    for n in range(12):
        case = register(f"第{n}件", building=world.buildings[n % 2])
        if n % 3 == 0:
            services.grievance_accept(grievance=case, by=world.alice)
    many, many_rows = queries()
    assert many_rows > few_rows
    assert many == few


def test_the_case_page_shows_the_masked_phone_and_the_whole_timeline(client, world):
    case = world.grievances[2]
    client.force_login(world.alice)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "135****5678" in page and "13512345678" not in page
    timeline = page[page.index('data-testid="timeline"') :]
    assert "登记" in timeline and "上报" in timeline and "超出社区职权" in timeline
    assert "城管局" in timeline


def test_the_register_prints_a_line_per_case_of_the_month(client, world, register):
    last_month = register("上月的事")
    start = timezone.localdate().replace(day=1)
    earlier = timezone.make_aware(datetime.datetime.combine(start, datetime.time(10)))
    Grievance.objects.filter(pk=last_month.pk).update(received_at=earlier - datetime.timedelta(1))
    month = f"{start:%Y-%m}"
    client.force_login(world.alice)
    page = client.get(reverse("grievances:grievance_register_print"), {"month": month})
    page = page.content.decode()
    assert "size: A4 landscape" in page
    for header in ("编号", "日期", "来访人", "联系电话", "事由", "类别", "承办人", "办理结果",
                   "办结日期"):  # fmt: skip
        assert f"<th>{header}</th>" in page
    for case in world.grievances:
        assert case.register_number in page
    assert "135****5678" in page and "13512345678" not in page
    assert "上月的事" not in page
    previous = f"{start - datetime.timedelta(days=1):%Y-%m}"
    page = client.get(reverse("grievances:grievance_register_print"), {"month": previous})
    assert "上月的事" in page.content.decode()
    # Junk is this month, never an error.
    for junk in ("2026-13", "abc", "２０２６-11", "0000-01"):
        response = client.get(reverse("grievances:grievance_register_print"), {"month": junk})
        assert response.status_code == 200
        assert world.grievances[0].register_number in response.content.decode()


def test_the_register_shows_an_official_each_community_and_a_handler_only_their_cases(
    client, world
):
    client.force_login(world.dora)
    page = client.get(reverse("grievances:grievance_register_print")).content.decode()
    assert DEPARTMENT_A_SECRET in page and f"{SECRET}楼道灯坏了" not in page
    client.force_login(world.bob)
    page = client.get(reverse("grievances:grievance_register_print")).content.decode()
    assert world.community.name in page and f"{SECRET}楼道灯坏了" in page
