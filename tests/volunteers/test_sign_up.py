"""Signing up for an activity: places never over-filled, the waitlist served in order, freed
places offered and lapsing, and one person never in two activities at once."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from shequ.models import OutboxMessage, Role
from tests.factories import ActivityFactory, ResidentFactory, UserFactory, VolunteerFactory, assign
from volunteers.choices import SignUpStatus
from volunteers.models import ActivityTemplate, SignUp
from volunteers.services import (
    Refused,
    lapse_offers,
    shifts_ahead,
    sign_up,
    sign_up_cancel,
    sign_up_confirm,
)

CONFIRMED, WAITLISTED, OFFERED = (
    SignUpStatus.CONFIRMED,
    SignUpStatus.WAITLISTED,
    SignUpStatus.OFFERED,
)


def volunteers(world, n: int) -> list:
    return [
        VolunteerFactory(resident=ResidentFactory(household=world.households[0])) for _ in range(n)
    ]


def statuses(activity) -> list[str]:
    return list(activity.sign_ups.order_by("pk").values_list("status", flat=True))


@pytest.mark.django_db(transaction=True)
def test_two_hundred_at_once_for_twenty_places_leave_twenty_in_and_the_rest_waiting(world):
    activity = ActivityFactory(community=world.community, capacity=20)
    people = volunteers(world, 200)
    errors: list[Exception] = []
    start = threading.Barrier(len(people))
    # PostgreSQL here takes 100 connections: 60 of the 200 talk to it at any moment.
    connections = threading.BoundedSemaphore(60)

    def arrive(volunteer) -> None:
        try:
            start.wait()
            with connections:
                try:
                    sign_up(activity, volunteer, world.alice)
                finally:
                    connection.close()
        except Exception as error:  # a failure must fail the test, not vanish with the thread
            errors.append(error)

    threads = [threading.Thread(target=arrive, args=(v,)) for v in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    served = statuses(activity)
    assert served.count(CONFIRMED) == 20 and served.count(WAITLISTED) == 180
    # First come, first served: every place went to someone served before anyone waiting.
    assert served == [CONFIRMED] * 20 + [WAITLISTED] * 180


def test_a_freed_place_is_offered_to_the_first_waiting_who_confirms_in_time(world):
    activity = ActivityFactory(community=world.community, capacity=1, offer_hours=12)
    first, second, third = volunteers(world, 3)
    held = sign_up(activity, first, world.alice)
    waiting = [sign_up(activity, person, world.alice) for person in (second, third)]
    assert [held.status, *(s.status for s in waiting)] == [CONFIRMED, WAITLISTED, WAITLISTED]

    now = timezone.now()
    sign_up_cancel(held, world.alice, now=now)
    offer = SignUp.objects.get(pk=waiting[0].pk)
    assert offer.status == OFFERED and offer.offer_expires_at == now + datetime.timedelta(hours=12)
    assert SignUp.objects.get(pk=waiting[1].pk).status == WAITLISTED
    message = OutboxMessage.objects.get(kind="volunteers.offered")
    assert activity.title in message.body and message.phone == second.resident.mobile
    # Someone new does not pass those already waiting.
    late = sign_up(activity, volunteers(world, 1)[0], world.alice)
    assert late.status == WAITLISTED
    assert (
        sign_up_confirm(offer, world.alice, now=now + datetime.timedelta(hours=1)).status
        == CONFIRMED
    )
    assert statuses(activity) == [SignUpStatus.CANCELLED, CONFIRMED, WAITLISTED, WAITLISTED]


def test_an_offer_not_confirmed_in_time_lapses_and_goes_to_the_next(world):
    activity = ActivityFactory(community=world.community, capacity=1, offer_hours=2)
    first, second, third = volunteers(world, 3)
    held = sign_up(activity, first, world.alice)
    offered, next_one = (sign_up(activity, person, world.alice) for person in (second, third))
    now = timezone.now()
    sign_up_cancel(held, world.alice, now=now)
    assert lapse_offers(now + datetime.timedelta(hours=1)) == 0
    assert lapse_offers(now + datetime.timedelta(hours=3)) == 1
    assert SignUp.objects.get(pk=offered.pk).status == SignUpStatus.LAPSED
    assert SignUp.objects.get(pk=next_one.pk).status == OFFERED
    with pytest.raises(Refused, match="没有待确认的递补名额"):
        sign_up_confirm(offered, world.alice, now=now + datetime.timedelta(hours=3))
    # An offer never runs past the start: the last one waiting before the start has until then.
    late = ActivityFactory(community=world.community, capacity=1,
                           starts_at=now + datetime.timedelta(hours=1),
                           ends_at=now + datetime.timedelta(hours=3))  # fmt: skip
    held, waiting = (sign_up(late, person, world.alice, now=now) for person in (first, second))
    sign_up_cancel(held, world.alice, now=now)
    assert SignUp.objects.get(pk=waiting.pk).offer_expires_at == late.starts_at


def test_one_person_cannot_hold_two_activities_less_than_half_an_hour_apart(world):
    person = volunteers(world, 1)[0]
    evening = timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0)
    evening += datetime.timedelta(days=2)

    def activity(start_hours: float, length_hours: float):
        starts = evening + datetime.timedelta(hours=start_hours)
        return ActivityFactory(community=world.community, starts_at=starts,
                               ends_at=starts + datetime.timedelta(hours=length_hours))  # fmt: skip

    sign_up(activity(0, 2), person, world.alice)  # 19:00–21:00
    with pytest.raises(Refused, match="时间冲突"):
        sign_up(activity(2 + 20 / 60, 1), person, world.alice)  # 21:20: within the grace
    assert sign_up(activity(2.5, 1), person, world.alice).status == CONFIRMED  # 21:30
    # The night patrol crosses midnight: 23:00–03:00 clashes with 02:00 the next morning.
    sign_up(activity(4, 4), person, world.alice)
    with pytest.raises(Refused, match="时间冲突"):
        sign_up(activity(7, 1), person, world.alice)
    # A cancelled sign-up holds nothing.
    held = sign_up(activity(24, 1), person, world.alice)
    sign_up_cancel(held, world.alice)
    assert sign_up(activity(24.25, 1), person, world.alice).status == CONFIRMED


def test_only_the_person_or_their_communitys_staff_sign_them_up(world, other_scopes):
    activity = ActivityFactory(community=world.community)
    person, neighbour = volunteers(world, 2)
    person.account = UserFactory()
    person.save()
    assign(person.account, Role.RESIDENT, world.community)
    assert sign_up(activity, person, person.account).status == CONFIRMED
    for outsider in (person.account, world.charlie, world.bob):
        with pytest.raises(Refused, match="无权"):
            sign_up(activity, neighbour, outsider)
    pending = VolunteerFactory(resident=ResidentFactory(household=world.households[1]),
                               status="pending")  # fmt: skip
    with pytest.raises(Refused, match="在册"):
        sign_up(activity, pending, world.alice)
    closes = timezone.now() - datetime.timedelta(minutes=1)
    closed = ActivityFactory(community=world.community, signup_closes_at=closes)
    with pytest.raises(Refused, match="报名已截止"):
        sign_up(closed, neighbour, world.alice)
    assert not SignUp.objects.filter(volunteer=neighbour).exists()


def test_a_weekly_shift_is_made_weeks_ahead_once_however_often_beat_runs(world):
    wednesday = datetime.date(2026, 11, 25)
    ActivityTemplate.objects.all().delete()  # the world's own shift would be counted too
    template = ActivityTemplate.objects.create(
        community=world.community, title="夜间巡逻", weekday=2, start_time=datetime.time(22, 0),
        minutes=240, address="小区北门", capacity=6, starts_on=datetime.date(2026, 11, 1),
        weeks_ahead=3,
    )  # fmt: skip
    monday = datetime.date(2026, 11, 23)
    assert shifts_ahead(monday) == 3
    assert shifts_ahead(monday) == 0  # idempotent
    assert shifts_ahead(monday + datetime.timedelta(days=7)) == 1  # one more week comes in
    shifts = list(template.activities.order_by("starts_at"))
    assert [timezone.localtime(a.starts_at).date() for a in shifts] == [
        wednesday + datetime.timedelta(weeks=n) for n in range(4)
    ]
    # 22:00 for four hours ends at 02:00 the next morning.
    assert timezone.localtime(shifts[0].ends_at) == timezone.localtime(shifts[0].starts_at) + (
        datetime.timedelta(hours=4)
    )
    assert timezone.localtime(shifts[0].ends_at).hour == 2
    template.ends_on = datetime.date(2026, 12, 10)
    template.save()
    assert shifts_ahead(datetime.date(2026, 12, 7)) == 0  # the last Wednesday, 12-09, exists
