"""固定排班: the office sets up a weekly shift once and its coming weeks appear as activities
residents can sign up for."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import SECRET
from volunteers.models import Activity, ActivityTemplate

LIST = reverse("volunteers:activitytemplate_list")
ADD = reverse("volunteers:activitytemplate_add")


def _shift(world, **fields) -> dict:
    return {
        "community": world.community.pk,
        "title": "周五夜间巡逻", "weekday": "4", "start_time": "22:00", "minutes": "240",
        "address": "社区东门", "capacity": "6", "starts_on": str(timezone.localdate()),
        "weeks_ahead": "4", **fields,
    }  # fmt: skip


def test_a_weekly_night_patrol_set_up_once_is_there_for_the_next_four_weeks(client, world):
    client.force_login(world.alice)
    # The form starts from today, in the date box's own format (a localised date left it empty).
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in client.get(ADD).content.decode()
    response = client.post(ADD, _shift(world), follow=True)
    page = response.content.decode()
    assert "已保存固定排班：周五夜间巡逻" in page and "已生成近期的 4 次活动" in page
    assert "星期五 22:00–次日 02:00" in page
    shifts = list(Activity.objects.filter(title="周五夜间巡逻").order_by("starts_at"))
    assert len(shifts) == 4
    for shift in shifts:
        starts, ends = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
        assert starts.weekday() == 4 and (starts.hour, ends.hour) == (22, 2)
        assert ends.date() == starts.date() + datetime.timedelta(days=1)
        assert shift.community == world.community
    # Saving it again, as beat runs it again, makes none twice.
    template = ActivityTemplate.objects.get(title="周五夜间巡逻")
    edit = reverse("volunteers:activitytemplate_edit", args=[template.pk])
    client.post(edit, _shift(world, capacity="8"))
    assert Activity.objects.filter(title="周五夜间巡逻").count() == 4
    # The residents' calendar shows them.
    client.force_login(world.rita)
    assert "周五夜间巡逻" in client.get(reverse("volunteers:activity_calendar")).content.decode()


def test_bad_shifts_come_back_in_place_and_nothing_is_made(client, world):
    client.force_login(world.alice)
    before = Activity.objects.count()
    cases = [
        (_shift(world, address=""), "请选择楼栋或填写地点"),
        (_shift(world, minutes="0"), "15"),
        (_shift(world, ends_on="2020-01-01"), "停止日期不能早于首次日期"),
        (_shift(world, starts_on="0202-01-01"), "请填写 2000 至 2100 年之间的日期"),
        (_shift(world, start_time="25:00"), "时间"),
        (_shift(world, weekday="9"), "选择一个有效的选项"),
    ]
    for data, reason in cases:
        response = client.post(ADD, data)
        assert response.status_code == 200, reason
        assert reason in response.content.decode()
    assert Activity.objects.count() == before
    assert not ActivityTemplate.objects.filter(title="周五夜间巡逻").exists()


def test_only_the_communitys_staff_change_its_shifts(client, world, other_scopes):
    theirs = ActivityTemplate.objects.get(community=world.other_community)
    edit = reverse("volunteers:activitytemplate_edit", args=[theirs.pk])
    client.force_login(world.alice)
    assert client.get(edit).status_code == 404
    assert client.post(edit, _shift(world)).status_code == 404
    page = client.get(LIST).content.decode()
    assert f"{SECRET}周三夜巡" in page and theirs.title not in page
    for user in (world.rita, world.bob, world.gina):
        client.force_login(user)
        assert client.get(LIST).status_code == 404
    # A party worker reads the shifts but changes none.
    client.force_login(world.peggy)
    assert client.get(LIST).status_code == 200
    mine = ActivityTemplate.objects.get(community=world.community)
    edit = reverse("volunteers:activitytemplate_edit", args=[mine.pk])
    assert client.get(edit).status_code == 404


def test_the_shift_list_costs_the_same_queries_for_one_shift_or_thirty(client, world):
    client.force_login(world.alice)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for n in range(29):
        ActivityTemplate.objects.create(
            community=world.community, title=f"班次{n}", weekday=n % 7,
            start_time=datetime.time(8, 0), minutes=120, building=world.buildings[0],
            capacity=3, starts_on=datetime.date(2026, 1, 1),
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        assert "共 30 条" in client.get(LIST).content.decode()
    assert len(many) == len(few)
