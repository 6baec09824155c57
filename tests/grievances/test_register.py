"""The register (统一接待登记本): one gap-free number per community and year, whatever runs at the
same time and whatever rolls back; deadlines in working days across the Spring Festival."""

import datetime
import threading
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone

from grievances import services, workdays
from grievances.choices import Channel, Kind
from grievances.models import CalendarDay, Category, Grievance, GrievanceEvent

# The book starts empty: these tests count numbers, messages and figures.
pytestmark = pytest.mark.empty_desk


def _category(days: int = 5) -> Category:
    category, _ = Category.objects.get_or_create(
        code=f"test-{days}", defaults={"name": f"测试{days}", "time_limit_days": days}
    )
    return category


def _register(community, by=None, **extra) -> Grievance:
    fields = {
        "community": community, "category": _category(), "kind": Kind.COMPLAINT,
        "channel": Channel.ONLINE, "title": "路灯不亮", "description": "东门路灯坏了三天",
        "address": "东门", "by": by,
    }  # fmt: skip
    return services.grievance_register(**{**fields, **extra})


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_submissions_get_fifty_numbers_with_no_gap(world):
    errors: list[Exception] = []
    barrier = threading.Barrier(50)

    def submit(n: int) -> None:
        try:
            barrier.wait()
            _register(world.community, title=f"第{n}件")
        except Exception as error:  # a failure must fail the test, not vanish with the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = sorted(Grievance.objects.filter(community=world.community).values_list(
        "sequence", flat=True
    ))  # fmt: skip
    assert numbers == list(range(1, 51))
    assert Grievance.objects.values("tracking_code").distinct().count() == 50


@pytest.mark.django_db(transaction=True)
def test_a_submission_that_rolls_back_gives_its_number_back(world):
    first = _register(world.community)
    with pytest.raises(RuntimeError), transaction.atomic():
        _register(world.community)
        raise RuntimeError("the request failed after registering")
    failing = mock.patch.object(GrievanceEvent.objects, "create", side_effect=RuntimeError)
    with failing, pytest.raises(RuntimeError):
        _register(world.community)
    last = _register(world.community)
    assert (first.register_number, last.register_number) == (
        f"{first.year}-0001",
        f"{first.year}-0002",
    )
    assert _register(world.other_community).sequence == 1  # each community counts its own


def test_the_receipt_carries_the_number_and_an_unguessable_code(world):
    case = _register(world.community, contact_phone="13912345678", contact_name="王先生")
    assert case.register_number == f"{timezone.localdate().year}-0001"
    assert len(case.tracking_code) == 12 and case.tracking_code.isalnum()
    assert case.contact_phone_masked == "139****5678"
    assert "13912345678" not in case.contact_phone_ciphertext
    assert case.contact_phone == "13912345678"
    assert [e.kind for e in case.events.all()] == ["received"]


def test_only_staff_register_walk_ins_and_a_grid_worker_only_from_the_field(world):
    with pytest.raises(services.Refused, match="只有社区工作人员"):
        _register(world.community, channel=Channel.VISIT)
    with pytest.raises(services.Refused, match="只有社区工作人员"):
        _register(world.community, by=world.charlie, channel=Channel.VISIT)  # another community
    assert _register(world.community, by=world.alice, channel=Channel.VISIT).pk
    with pytest.raises(services.Refused, match="网格上报"):
        _register(world.community, by=world.gina, channel=Channel.VISIT,
                  building=world.buildings[0])  # fmt: skip
    case = _register(world.community, by=world.gina, channel=Channel.GRID,
                     building=world.buildings[0])  # fmt: skip
    assert case.grid_unit == world.grid_units[0]
    assert Grievance.objects.count() == 2


def test_a_place_is_required_and_must_be_in_the_community(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _register(world.community, address="  ")
    from tests.factories import BuildingFactory, GridUnitFactory

    elsewhere = BuildingFactory(grid_unit=GridUnitFactory(community=world.other_community))
    with pytest.raises(ValidationError):
        _register(world.community, address="", building=elsewhere)
    assert not Grievance.objects.exists()


def test_time_limits_count_working_days_across_the_spring_festival(db):
    workdays.sync_holidays()
    # 2026: 春节 15–23 February off, Saturday 14 and Saturday 28 February worked.
    assert CalendarDay.objects.get(date=datetime.date(2026, 2, 14)).is_working_day
    assert not CalendarDay.objects.get(date=datetime.date(2026, 2, 16)).is_working_day
    friday = datetime.date(2026, 2, 13)
    assert workdays.add_working_days(friday, 1) == datetime.date(2026, 2, 14)
    assert workdays.add_working_days(friday, 2) == datetime.date(2026, 2, 24)
    assert workdays.add_working_days(friday, 5) == datetime.date(2026, 2, 27)
    assert workdays.add_working_days(friday, 6) == datetime.date(2026, 2, 28)
    assert workdays.working_days_between(friday, datetime.date(2026, 3, 2)) == 7
    # An administrator's local change survives the next sync.
    CalendarDay.objects.filter(date=datetime.date(2026, 2, 24)).delete()
    CalendarDay.objects.create(date=datetime.date(2026, 2, 24), is_working_day=False,
                               name="本地放假", local=True)  # fmt: skip
    workdays.sync_holidays()
    assert workdays.add_working_days(friday, 2) == datetime.date(2026, 2, 25)


def test_a_case_registered_before_the_holiday_is_due_after_it(world):
    workdays.sync_holidays()
    before = timezone.make_aware(datetime.datetime(2026, 2, 13, 10, 0))
    with mock.patch("django.utils.timezone.now", return_value=before):
        case = _register(world.community, category=_category(days=3))
    assert case.due_on == datetime.date(2026, 2, 25)
    assert case.warn_on == datetime.date(2026, 2, 24)  # 2 of its 3 working days
