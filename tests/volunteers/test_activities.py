"""The activity pages: staff's list, form, roster and calling off; a volunteer's calendar, sign-up
and 我的报名, every step through the services; who sees what; queries per page."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shequ.models import OutboxMessage, Role
from tests.conftest import SECRET
from tests.factories import (
    ActivityFactory,
    CommunityFactory,
    ResidentFactory,
    UserFactory,
    VolunteerFactory,
    assign,
)
from volunteers.choices import SignUpStatus
from volunteers.models import Activity, SignUp
from volunteers.services import sign_up

ADD = reverse("volunteers:activity_add")
CALENDAR = reverse("volunteers:activity_calendar")
MINE = reverse("volunteers:signup_mine")


def local(day: datetime.date, hour: int, minute: int = 0) -> str:
    return f"{day:%Y-%m-%d}T{hour:02d}:{minute:02d}"


def form_data(world, **changes) -> dict:
    day = timezone.localdate() + datetime.timedelta(days=3)
    data = {
        "title": "楼道清扫", "starts_at": local(day, 9), "ends_at": local(day, 11),
        "address": "社区广场", "capacity": "8", "offer_hours": "12",
        "community": world.community.pk,
    }  # fmt: skip
    return {**data, **changes}


def test_staff_publish_an_activity_and_bad_input_is_told_in_chinese(client, world):
    client.force_login(world.alice)
    day = timezone.localdate() + datetime.timedelta(days=3)
    before = Activity.objects.count()
    cases = [
        ({"address": ""}, "请选择楼栋或填写地点"),
        ({"starts_at": local(day, 23), "ends_at": local(day, 3)}, "结束时间请选第二天的日期"),
        ({"ends_at": local(day, 9)}, "结束时间须晚于开始时间"),
        ({"capacity": "0"}, "1"),
        ({"signup_closes_at": local(day, 10)}, "报名截止不能晚于活动开始"),
        ({"signup_opens_at": local(day, 8), "signup_closes_at": local(day, 7)},
         "报名截止须晚于报名开始"),
        ({"starts_at": "0202-01-01T09:00"}, "2000 至 2100 年"),
        ({"signup_opens_at": local(day, 9, 30)}, "报名开始须早于活动开始"),
        ({"building": world.buildings[0].pk + 10_000}, "选择一个有效的选项"),
    ]  # fmt: skip
    for changes, message in cases:
        response = client.post(ADD, form_data(world, **changes))
        assert response.status_code == 200, changes
        assert message in response.content.decode(), changes
    assert Activity.objects.count() == before

    # The night patrol: 23:00 to 03:00 the next morning.
    night = form_data(world, title="夜间巡逻", starts_at=local(day, 23),
                      ends_at=local(day + datetime.timedelta(days=1), 3),
                      address="", building=world.buildings[0].pk)  # fmt: skip
    response = client.post(ADD, night)
    activity = Activity.objects.get(title="夜间巡逻")
    assert response.status_code == 302 and response.url == activity.get_absolute_url()
    assert activity.community == world.community and activity.created_by == world.alice
    assert activity.hours == 4
    page = client.get(reverse("volunteers:activity_list")).content.decode()
    assert "夜间巡逻" in page and f"{day + datetime.timedelta(days=1):%m-%d} 03:00" in page


def test_an_edit_keeps_the_places_held_and_a_larger_capacity_serves_the_waitlist(client, world):
    full = world.activities[0]
    client.force_login(world.alice)
    url = reverse("volunteers:activity_edit", args=[full.pk])
    assert client.get(url).status_code == 200
    data = {
        "title": full.title, "starts_at": local(timezone.localtime(full.starts_at).date(), 19),
        "ends_at": local(timezone.localtime(full.ends_at).date(), 23),
        "building": world.buildings[0].pk, "capacity": "2", "offer_hours": "6",
    }  # fmt: skip
    assert client.post(url, data).status_code == 302
    waiting = SignUp.objects.get(activity=full, volunteer=world.volunteers[1])
    assert waiting.status == SignUpStatus.OFFERED
    assert OutboxMessage.objects.filter(kind="volunteers.offered", user=world.rita).exists()

    response = client.post(url, {**data, "capacity": "1"})
    assert response.status_code == 200
    assert "已有 2 人占用名额" in response.content.decode()
    assert Activity.objects.get(pk=full.pk).capacity == 2


def test_the_calendar_shows_places_and_the_waitlist_but_no_names(client, world):
    client.force_login(world.rita)
    page = client.get(CALENDAR).content.decode()
    full, roomy = world.activities
    assert full.title in page and roomy.title in page
    assert "已满，候补 1 人" in page and "剩余 9 个名额" in page
    assert "候补" in page  # rita's own sign-up is marked
    zhang, wang, li = world.residents
    for name in (zhang.name, wang.name, li.name):
        assert name not in page
    detail = client.get(full.get_absolute_url()).content.decode()
    assert "已报名 1 / 1" in detail and "候补第 1 位" in detail
    assert zhang.name not in detail and 'id="roster"' not in detail


def test_a_resident_is_waitlisted_offered_a_place_confirms_and_cancels_through_the_pages(
    client, world
):
    starts = timezone.now() + datetime.timedelta(days=5)
    ends = starts + datetime.timedelta(hours=2)
    activity = ActivityFactory(
        community=world.community, capacity=1, starts_at=starts, ends_at=ends
    )
    held = sign_up(activity, world.volunteers[0], world.alice)
    client.force_login(world.rita)
    step = reverse("volunteers:activity_sign_up", args=[activity.pk])
    response = client.post(step, follow=True)
    assert "名额已满，已为您登记候补" in response.content.decode()
    mine = SignUp.objects.get(activity=activity, volunteer=world.volunteers[1])
    assert mine.status == SignUpStatus.WAITLISTED
    assert "候补第 1 位" in client.get(MINE).content.decode()
    # Twice is refused in place, as the service words it.
    response = client.post(step, follow=True)
    assert "已经报名了这个活动（候补）" in response.content.decode()

    # Someone with a place leaves (staff cancel for them): rita is offered it.
    client.force_login(world.alice)
    cancel = reverse("volunteers:signup_cancel", args=[held.pk])
    assert client.post(cancel).status_code == 302
    client.force_login(world.rita)
    assert "递补名额待确认" in client.get(reverse("home")).content.decode()
    page = client.get(MINE).content.decode()
    assert "请在" in page and "前确认" in page and "确认参加" in page
    confirm = reverse("volunteers:signup_confirm", args=[mine.pk])
    response = client.post(confirm, {"next": MINE})
    assert response.status_code == 302 and response.url == MINE
    assert SignUp.objects.get(pk=mine.pk).status == SignUpStatus.CONFIRMED
    response = client.post(confirm, {"next": "https://evil.example/"}, follow=True)
    assert "没有待确认的递补名额" in response.content.decode()
    assert response.redirect_chain[-1][0] == activity.get_absolute_url()

    client.post(reverse("volunteers:signup_cancel", args=[mine.pk]))
    assert SignUp.objects.get(pk=mine.pk).status == SignUpStatus.CANCELLED
    # The person in the waitlist's place: a resident cannot touch another's sign-up.
    assert client.post(reverse("volunteers:signup_cancel", args=[held.pk])).status_code == 404


def test_a_resident_who_is_not_a_volunteer_is_told_how_to_register(client, world):
    user = UserFactory()
    assign(user, Role.RESIDENT, world.community)
    client.force_login(user)
    activity = world.activities[1]
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "请到社区办公室登记" in page and "activity_sign_up" not in page
    response = client.post(reverse("volunteers:activity_sign_up", args=[activity.pk]), follow=True)
    assert "请到社区办公室登记" in response.content.decode()
    assert not SignUp.objects.filter(activity=activity, volunteer__account=user).exists()
    assert "请到社区办公室登记" in client.get(MINE).content.decode()


def test_staff_sign_a_volunteer_up_and_a_refusal_shows_on_the_form(client, world):
    full, roomy = world.activities
    client.force_login(world.alice)
    url = reverse("volunteers:signup_add", args=[roomy.pk])
    li = world.volunteers[1]  # waiting for the full one only
    assert client.post(url, {"volunteer": li.pk}).status_code == 302
    assert SignUp.objects.get(activity=roomy, volunteer=li).status == SignUpStatus.CONFIRMED
    # 李 is already in: the form no longer offers him.
    response = client.post(url, {"volunteer": li.pk})
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    # A clash with another of their activities comes back from the service, in place.
    near = ActivityFactory(community=world.community, starts_at=roomy.starts_at,
                           ends_at=roomy.ends_at, address="广场")  # fmt: skip
    response = client.post(reverse("volunteers:signup_add", args=[near.pk]), {"volunteer": li.pk})
    assert response.status_code == 200 and "时间冲突" in response.content.decode()
    page = client.get(full.get_absolute_url()).content.decode()
    roster = page[page.index('id="roster"') :]
    assert world.residents[0].name in roster and world.residents[2].name in roster


def test_calling_an_activity_off_ends_every_sign_up_and_tells_each_person(client, world):
    full = world.activities[0]
    client.force_login(world.alice)
    url = reverse("volunteers:activity_cancel", args=[full.pk])
    assert "2 位已报名或候补" in client.get(url).content.decode()
    assert client.post(url, {"reason": "暴雨预警"}).status_code == 302
    full.refresh_from_db()
    assert full.cancelled_at is not None
    assert set(full.sign_ups.values_list("status", flat=True)) == {SignUpStatus.CANCELLED}
    messages = OutboxMessage.objects.filter(kind="volunteers.activity_cancelled")
    assert messages.count() == 2 and all("暴雨预警" in m.body for m in messages)
    assert messages.get(user=world.rita)
    assert messages.get(user=None).phone_masked  # 张 has no account: by phone
    assert full.history.first().history_change_reason == "暴雨预警"
    # Again, or an edit: not offered, said why.
    for step in (url, reverse("volunteers:activity_edit", args=[full.pk])):
        response = client.get(step, follow=True)
        assert "这个活动已取消" in response.content.decode()
    client.force_login(world.rita)
    assert full.title not in client.get(CALENDAR).content.decode()


def test_other_communities_and_officials_see_nothing(client, world):
    full = world.activities[0]
    other = CommunityFactory(street=world.street, name="丙社区", code="370301001002")
    stranger = UserFactory()
    assign(stranger, Role.RESIDENT, other)
    rows = [
        full.get_absolute_url(),
        reverse("volunteers:activity_edit", args=[full.pk]),
        reverse("volunteers:activity_cancel", args=[full.pk]),
        reverse("volunteers:signup_add", args=[full.pk]),
    ]
    held = SignUp.objects.filter(activity=full).first()
    steps = [reverse("volunteers:signup_cancel", args=[held.pk]),
             reverse("volunteers:signup_confirm", args=[held.pk]),
             reverse("volunteers:activity_sign_up", args=[full.pk])]  # fmt: skip
    for user in (world.charlie, stranger, world.bob):
        client.force_login(user)
        for url in rows:
            assert client.get(url).status_code == 404, (user, url)
        for url in steps:
            assert client.post(url).status_code == 404, (user, url)
    client.force_login(stranger)
    assert SECRET not in client.get(CALENDAR).content.decode()
    client.force_login(world.bob)
    for url in (reverse("volunteers:activity_list"), CALENDAR, MINE):
        assert client.get(url).status_code == 404
    # The party worker reads the list and roster, and changes nothing.
    client.force_login(world.peggy)
    assert full.title in client.get(reverse("volunteers:activity_list")).content.decode()
    assert client.get(rows[1]).status_code == 404
    assert SignUp.objects.get(pk=held.pk).status == SignUpStatus.CONFIRMED


def _queries(client, url: str, row: str) -> tuple[int, int]:
    client.get(url)  # the first request also saves the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(set(re.findall(row, response.content.decode())))


def _more(world, n: int) -> None:
    """`n` more activities, each with rita's sign-up and another person's."""
    start = timezone.now() + datetime.timedelta(days=10)
    for i in range(n):
        at = start + datetime.timedelta(days=i)
        activity = ActivityFactory(community=world.community, capacity=1, starts_at=at,
                                   ends_at=at + datetime.timedelta(hours=1))  # fmt: skip
        other = VolunteerFactory(resident=ResidentFactory(household=world.households[1]))
        sign_up(activity, other, world.alice)
        sign_up(activity, world.volunteers[1], world.alice)


def test_the_lists_cost_the_same_queries_for_few_rows_or_many(client, world):
    pages = [
        (world.alice, reverse("volunteers:activity_list"), r'href="/volunteers/activities/(\d+)/"'),
        (world.rita, CALENDAR, r'href="/volunteers/activities/(\d+)/"'),
        (world.rita, MINE, r'href="/volunteers/activities/(\d+)/"'),
    ]
    few = []
    for user, url, row in pages:
        client.force_login(user)
        few.append(_queries(client, url, row))
    _more(world, 6)
    for (user, url, row), (few_queries, few_rows) in zip(pages, few, strict=True):
        client.force_login(user)
        many_queries, many_rows = _queries(client, url, row)
        assert many_rows > few_rows, url
        assert many_queries == few_queries, url


def test_the_demo_resident_waits_for_one_place_and_is_offered_another(client, db):
    from django.core.management import call_command

    from shequ.models import User

    call_command("seed_demo")
    jumin = User.objects.get(username="jumin")
    statuses = sorted(
        SignUp.objects.filter(volunteer__account=jumin).values_list("status", flat=True)
    )
    assert statuses == [SignUpStatus.OFFERED, SignUpStatus.WAITLISTED]
    assert Activity.objects.filter(ends_at__lt=timezone.now()).exists()
    client.force_login(jumin)
    page = client.get(MINE).content.decode()
    assert "候补第 3 位" in page and "确认参加" in page
    assert "递补名额待确认" in client.get(reverse("home")).content.decode()


def test_the_list_shows_past_activities_latest_first_and_by_team(client, world):
    now = timezone.now()
    for days, title in ((30, "上月义诊"), (3, "上周清扫")):
        at = now - datetime.timedelta(days=days)
        ActivityFactory(community=world.community, title=title, starts_at=at,
                        ends_at=at + datetime.timedelta(hours=2))  # fmt: skip
    client.force_login(world.alice)
    url = reverse("volunteers:activity_list")
    page = client.get(url).content.decode()
    assert world.activities[0].title in page and "上周清扫" not in page
    page = client.get(url, {"when": "past"}).content.decode()
    assert page.index("上周清扫") < page.index("上月义诊")
    assert world.activities[0].title not in page
    page = client.get(url, {"when": "past", "sort": "starts_at"}).content.decode()
    assert page.index("上月义诊") < page.index("上周清扫")
    assert client.get(url, {"when": "junk", "team": "abc"}).status_code == 200
