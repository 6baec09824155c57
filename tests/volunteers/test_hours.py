"""Hours: checked in and out (by the organiser or by the activity's QR code), approved in bulk,
corrected with the old value kept; the stars they add up to; the certificate anyone can verify."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from shequ.models import Role
from tests.factories import ActivityFactory, ResidentFactory, UserFactory, VolunteerFactory, assign
from volunteers.choices import RecordStatus
from volunteers.hours import (
    certificate_issue,
    check_in,
    check_in_by_code,
    check_out,
    check_out_the_forgotten,
    record_correct,
    records_decide,
)
from volunteers.models import ServiceRecord, StarLevel, StarReached
from volunteers.services import Refused, sign_up


@pytest.fixture
def evening(world):
    """An activity 19:00–21:30 today (already over), with a volunteer who has an account."""
    today = timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0)
    starts = today - datetime.timedelta(days=1)
    ends = starts + datetime.timedelta(hours=2, minutes=30)
    activity = ActivityFactory(community=world.community, title="楼道清扫", starts_at=starts,
                               ends_at=ends)  # fmt: skip
    person = VolunteerFactory(resident=ResidentFactory(household=world.households[0]),
                              account=UserFactory())  # fmt: skip
    assign(person.account, Role.RESIDENT, world.community)
    before = starts - datetime.timedelta(days=1)
    entry = sign_up(activity, person, person.account, now=before)
    return activity, person, entry


def test_hours_run_from_check_in_to_check_out_to_the_quarter_hour(world, evening):
    activity, person, entry = evening
    with pytest.raises(Refused, match="签到码不对"):
        check_in_by_code(activity, "wrong", person.account, now=activity.starts_at)
    early = activity.starts_at - datetime.timedelta(minutes=40)
    with pytest.raises(Refused, match="30 分钟"):
        check_in_by_code(activity, activity.check_in_code, person.account, now=early)
    arrived = activity.starts_at + datetime.timedelta(minutes=7)
    check_in_by_code(activity, activity.check_in_code, person.account, now=arrived)
    left = activity.starts_at + datetime.timedelta(hours=2, minutes=1)
    record = check_out(entry, person.account, now=left)
    # 1 h 54 min is 2 h to the nearest quarter hour, against 2.5 h planned.
    assert (record.hours, record.planned_hours) == (Decimal("2.00"), Decimal("2.50"))
    assert record.status == RecordStatus.PENDING and not record.needs_review
    with pytest.raises(Refused, match="已经签退"):
        check_out(entry, world.alice, now=left)


def test_those_who_forget_to_check_out_are_checked_out_at_the_end_and_flagged(world, evening):
    activity, _person, entry = evening
    check_in(entry, world.alice, now=activity.starts_at)
    assert check_out_the_forgotten(activity.ends_at - datetime.timedelta(minutes=1)) == 0
    assert check_out_the_forgotten(activity.ends_at + datetime.timedelta(minutes=5)) == 1
    entry.refresh_from_db()
    assert entry.checked_out_at == activity.ends_at and entry.auto_checked_out
    record = ServiceRecord.objects.get(sign_up=entry)
    assert record.needs_review and record.hours == Decimal("2.50")
    assert check_out_the_forgotten(activity.ends_at + datetime.timedelta(hours=1)) == 0


def test_approved_hours_add_up_to_stars_on_the_day_each_threshold_was_reached(world):
    person = VolunteerFactory(resident=ResidentFactory(household=world.households[0]))
    StarLevel.objects.filter(level=1).update(hours=10)
    StarLevel.objects.filter(level=2).update(hours=20)
    days = [datetime.date(2026, 3, d) for d in (1, 2, 3)]
    records = [
        ServiceRecord.objects.create(
            community=world.community,
            volunteer=person,
            served_on=day,
            description="巡逻",
            hours=Decimal(8),
        )
        for day in days
    ]
    records_decide(records, world.alice, approve=True)
    stars = dict(StarReached.objects.filter(volunteer=person).values_list("level", "reached_on"))
    assert stars == {1: days[1], 2: days[2]}  # 16 h on the 2nd, 24 h on the 3rd
    # A correction keeps the old value in the history and may take a level away.
    record_correct(records[2], world.alice, hours=Decimal(2), note="实际只巡逻了两小时")
    assert set(StarReached.objects.filter(volunteer=person).values_list("level", flat=True)) == {1}
    assert list(records[2].history.values_list("hours", flat=True)[:2]) == [Decimal(2), Decimal(8)]
    with pytest.raises(Refused, match="原因"):
        record_correct(records[2], world.alice, hours=Decimal(3), note=" ")
    # Declined records count for nothing; nobody else's records may be decided.
    records_decide(records[:2], world.alice, approve=False, note="未到岗")
    assert not StarReached.objects.filter(volunteer=person).exists()
    with pytest.raises(Refused, match="无权"):
        records_decide(records, world.charlie, approve=True)
    assert ServiceRecord.objects.get(pk=records[0].pk).status == RecordStatus.DECLINED


def test_a_certificate_holds_the_approved_service_and_only_staff_issue_it(world, other_scopes):
    person = VolunteerFactory(resident=ResidentFactory(household=world.households[0]))
    with pytest.raises(Refused, match="还没有经审核认定"):
        certificate_issue(person, world.alice)
    records = [
        ServiceRecord.objects.create(
            community=world.community,
            volunteer=person,
            served_on=datetime.date(2026, 5, day),
            description="义诊",
            hours=Decimal(3),
        )
        for day in (3, 17)
    ]
    records_decide(records[:1], world.alice, approve=True)
    certificate = certificate_issue(person, world.alice)
    assert (certificate.hours, certificate.records) == (Decimal(3), 1)
    assert certificate.first_served_on == certificate.last_served_on == datetime.date(2026, 5, 3)
    assert len(certificate.code) == 12 and not set(certificate.code) & set("01OIL")
    with pytest.raises(Refused, match="无权"):
        certificate_issue(person, world.charlie)
