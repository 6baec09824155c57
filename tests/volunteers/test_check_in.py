"""签到 and 签退 pages: staff on the roster, the QR code the organiser shows, and the page a
volunteer's phone opens from it; who may use each, and the messages when a step is refused."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ActivityFactory, ResidentFactory, VolunteerFactory
from volunteers.choices import RecordStatus
from volunteers.models import ServiceRecord, SignUp
from volunteers.services import sign_up


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def under_way(world):
    """An activity that began an hour ago, with 李 (rita's account) confirmed on it."""
    starts = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    ends = starts + datetime.timedelta(hours=3)
    activity = ActivityFactory(community=world.community, title="垃圾分类督导", capacity=5,
                               starts_at=starts, ends_at=ends)  # fmt: skip
    entry = sign_up(
        activity, world.volunteers[1], world.rita, now=starts - datetime.timedelta(days=1)
    )
    return activity, entry


def scan(activity, code=None) -> str:
    url = reverse("volunteers:activity_check_in", args=[activity.pk])
    return f"{url}?code={code}" if code is not None else url


def test_staff_check_in_and_out_on_the_roster_and_the_hours_wait_for_approval(
    client, world, under_way
):
    activity, entry = under_way
    client.force_login(world.alice)
    page = _text(client.get(activity.get_absolute_url()))
    assert reverse("volunteers:signup_check_in", args=[entry.pk]) in page
    assert reverse("volunteers:activity_check_in_code", args=[activity.pk]) in page

    response = client.post(reverse("volunteers:signup_check_in", args=[entry.pk]), follow=True)
    entry.refresh_from_db()
    at = f"{timezone.localtime(entry.checked_in_at):%H:%M}"
    assert f"{world.residents[2].name} 已于 {at} 签到。" in _text(response)
    assert f"签到 {at}" in _text(response)
    # A second press is refused in place, not a 500.
    again = client.post(reverse("volunteers:signup_check_in", args=[entry.pk]), follow=True)
    assert f"已于 {at} 签到。" in _text(again) and again.status_code == 200

    # They arrived two hours and five minutes ago: the hours round to the quarter hour.
    SignUp.objects.filter(pk=entry.pk).update(
        checked_in_at=timezone.now() - datetime.timedelta(hours=2, minutes=5)
    )
    response = client.post(reverse("volunteers:signup_check_out", args=[entry.pk]), follow=True)
    assert "已签退，服务时长 2 小时，待审核认定。" in _text(response)
    record = ServiceRecord.objects.get(sign_up=entry)
    assert (record.status, record.hours, record.planned_hours) == (
        RecordStatus.PENDING, Decimal(2), Decimal(3)
    )  # fmt: skip
    roster = _text(response)[_text(response).index('id="roster"') :]
    assert "2 小时（待审核）" in roster
    assert reverse("volunteers:signup_check_out", args=[entry.pk]) not in roster


def test_the_roster_flags_those_checked_out_by_the_sweep(client, world, under_way):
    from volunteers.hours import check_in, check_out_the_forgotten

    activity, entry = under_way
    check_in(entry, world.alice)
    check_out_the_forgotten(activity.ends_at + datetime.timedelta(minutes=1))
    client.force_login(world.alice)
    assert "自动签退，需核对" in _text(client.get(activity.get_absolute_url()))


def test_the_roster_runs_the_same_queries_for_one_person_or_many(client, world, under_way):
    activity, _ = under_way
    client.force_login(world.alice)
    with CaptureQueriesContext(connection) as one:
        client.get(activity.get_absolute_url())
    for _ in range(3):
        volunteer = VolunteerFactory(resident=ResidentFactory(household=world.households[0]))
        entry = sign_up(activity, volunteer, world.alice,
                        now=activity.starts_at - datetime.timedelta(days=1))  # fmt: skip
        client.post(reverse("volunteers:signup_check_in", args=[entry.pk]))
    with CaptureQueriesContext(connection) as many:
        client.get(activity.get_absolute_url())
    assert len(many) == len(one)


def test_another_communitys_staff_cannot_check_anyone_in(client, world, other_scopes, under_way):
    activity, entry = under_way
    client.force_login(world.charlie)
    for name in ("volunteers:signup_check_in", "volunteers:signup_check_out"):
        assert client.post(reverse(name, args=[entry.pk])).status_code == 404
    assert client.get(scan(activity, activity.check_in_code)).status_code == 404
    entry.refresh_from_db()
    assert entry.checked_in_at is None
    # Nor the volunteer: the staff buttons are not theirs.
    client.force_login(world.rita)
    assert client.post(reverse("volunteers:signup_check_in", args=[entry.pk])).status_code == 404


def test_a_volunteer_checks_in_and_out_with_the_code_on_their_phone(client, world, under_way):
    activity, entry = under_way
    client.force_login(world.rita)
    page = client.get(scan(activity, activity.check_in_code))
    assert page.status_code == 200
    assert 'value="check_in"' in _text(page) and "垃圾分类督导" in _text(page)
    entry.refresh_from_db()
    assert entry.checked_in_at is None  # reading the page changes nothing

    response = client.post(scan(activity), {"code": activity.check_in_code, "step": "check_in"},
                           follow=True)  # fmt: skip
    entry.refresh_from_db()
    assert f"签到成功，签到时间 {timezone.localtime(entry.checked_in_at):%H:%M}。" in _text(
        response
    )
    assert 'value="check_out"' in _text(response)
    # 我的报名 leads back to the page while the activity is under way.
    mine = _text(client.get(reverse("volunteers:signup_mine")))
    assert reverse("volunteers:activity_check_in", args=[activity.pk]) in mine

    SignUp.objects.filter(pk=entry.pk).update(
        checked_in_at=timezone.now() - datetime.timedelta(minutes=50)
    )
    response = client.post(scan(activity), {"code": activity.check_in_code, "step": "check_out"},
                           follow=True)  # fmt: skip
    assert "签退成功，服务时长 0.75 小时" in _text(response)
    assert ServiceRecord.objects.get(sign_up=entry).status == RecordStatus.PENDING
    assert 'name="step"' not in _text(response)


def test_a_wrong_or_missing_code_is_told_in_place_and_changes_nothing(client, world, under_way):
    activity, entry = under_way
    client.force_login(world.rita)
    page = _text(client.get(scan(activity, "nonsense")))
    assert "is-invalid" in page and 'name="code"' in page
    assert 'name="code" value="nonsense"' in page
    for code in ("nonsense", ""):
        response = client.post(scan(activity), {"code": code, "step": "check_in"}, follow=True)
        assert response.status_code == 200
        assert "签到码不对，请重新扫描现场的二维码。" in _text(response)
    # Typed from the sheet, in its groups of four.
    code = activity.check_in_code
    typed = " ".join(code[i : i + 4] for i in range(0, len(code), 4))
    client.post(scan(activity), {"code": typed, "step": "check_in"})
    entry.refresh_from_db()
    assert entry.checked_in_at is not None


def test_too_early_waitlisted_or_not_signed_in_each_hear_why(client, world):
    full = world.activities[0]  # tomorrow evening; rita is on its waitlist
    client.force_login(world.rita)
    page = _text(client.get(scan(full, full.check_in_code)))
    assert "你没有这个活动的已确认报名" in page and 'name="step"' not in page
    response = client.post(scan(full), {"code": full.check_in_code}, follow=True)
    assert "你没有这个活动的已确认报名，请先报名或联系组织者。" in _text(response)

    roomy = world.activities[1]
    roomy_entry = sign_up(roomy, world.volunteers[1], world.rita)
    page = _text(client.get(scan(roomy, roomy.check_in_code)))
    assert "活动开始前 30 分钟起可以签到" in page
    response = client.post(scan(roomy), {"code": roomy.check_in_code}, follow=True)
    assert "活动开始前 30 分钟起可以签到。" in _text(response)
    roomy_entry.refresh_from_db()
    assert roomy_entry.checked_in_at is None

    client.logout()
    response = client.get(scan(roomy, roomy.check_in_code))
    assert response.status_code == 302 and "next=" in response["Location"]
    assert roomy.check_in_code in response["Location"]


def test_the_qr_code_page_is_for_the_organisers_only(client, world, other_scopes):
    activity = world.activities[1]
    client.force_login(world.alice)
    page = _text(client.get(reverse("volunteers:activity_check_in_code", args=[activity.pk])))
    assert "<svg" in page and activity.check_in_code[:4] in page
    assert f"code={activity.check_in_code}" in page
    client.force_login(world.peggy)  # the party worker runs activities too
    url = reverse("volunteers:activity_check_in_code", args=[activity.pk])
    assert client.get(url).status_code == 200
    for someone in (world.rita, world.charlie):
        client.force_login(someone)
        assert client.get(url).status_code == 404
