"""Volunteering's figures for the assessment, counted per community for a month."""

import datetime
from decimal import Decimal

from django.utils import timezone

from residents.models import Resident
from shequ.metrics import Period, metrics, value
from tests.factories import ActivityFactory, ResidentFactory, VolunteerFactory
from volunteers.hours import records_decide
from volunteers.models import ServiceRecord, SignUp, Team


def test_volunteers_hours_activities_teams_and_show_up_for_a_month(world):
    month = Period(datetime.date(2026, 3, 1))
    community = world.community
    living = Resident.objects.filter(community=community, status="living").count()
    people = [
        VolunteerFactory(resident=ResidentFactory(household=world.households[0]),
                         registered_on=datetime.date(2026, 3, day))
        for day in (1, 31)
    ] + [VolunteerFactory(resident=ResidentFactory(household=world.households[1]),
                          registered_on=datetime.date(2026, 4, 1))]  # fmt: skip
    living += 3
    team = Team.objects.create(community=community, name="治安巡逻队", kind="service",
                               founded_on=datetime.date(2020, 1, 1))  # fmt: skip
    Team.objects.create(community=community, name="门球协会", kind="association",
                        founded_on=datetime.date(2020, 1, 1))  # fmt: skip
    starts = timezone.make_aware(datetime.datetime(2026, 3, 14, 20, 0))
    patrol = ActivityFactory(community=community, team=team, starts_at=starts,
                             ends_at=starts + datetime.timedelta(hours=2))  # fmt: skip
    hour = datetime.timedelta(hours=1)
    ActivityFactory(community=community, starts_at=starts, ends_at=starts + hour,
                    cancelled_at=starts)  # fmt: skip
    for person, came in zip(people[:2], (starts, None), strict=True):
        SignUp.objects.create(activity=patrol, volunteer=person, status="confirmed",
                              signed_up_at=starts, checked_in_at=came)  # fmt: skip
    records = [
        ServiceRecord.objects.create(community=community, volunteer=person, served_on=day,
                                     description="巡逻", hours=Decimal(hours))
        for person, day, hours in ((people[0], datetime.date(2026, 3, 14), 2),
                                   (people[1], datetime.date(2026, 3, 20), 3),
                                   (people[1], datetime.date(2026, 4, 2), 5))
    ]  # fmt: skip
    records_decide(records[:1], world.alice, approve=True)
    records_decide(records[1:2], world.alice, approve=False)
    registry = metrics()

    def figures(code):
        return registry[code].compute(month)[community.pk]

    # The world's three volunteers registered in 2024.
    assert figures("volunteers_registered") == (len(world.volunteers) + 2, living)
    assert figures("volunteers_active") == (1, living)  # the declined record is not service
    assert figures("volunteer_hours") == (Decimal(2), living)
    assert value(registry["volunteer_hours"], Decimal(2), living) == (
        Decimal(2000) / living
    ).quantize(Decimal("0.01"))
    assert figures("volunteer_activities") == (1, 1)  # the cancelled one is not held
    assert figures("volunteer_teams_active") == (1, len(world.teams) + 2)
    assert figures("volunteer_show_up") == (1, 2)
    assert registry["volunteers_registered"].unit == "‰"
