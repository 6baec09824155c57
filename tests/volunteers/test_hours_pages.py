"""The hours pages: the organiser approves in bulk and corrects, a volunteer reads their own,
a certificate prints with its code and anyone checks it without seeing who it is for."""

import datetime
import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shequ.models import Role
from tests.factories import ResidentFactory, UserFactory, VolunteerFactory, assign
from volunteers.choices import RecordStatus
from volunteers.hours import records_decide
from volunteers.models import Certificate, ServiceRecord

LIST = reverse("volunteers:record_list")
DECIDE = reverse("volunteers:records_decide")


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _records(world, volunteer, n: int, hours=3) -> list[ServiceRecord]:
    return [
        ServiceRecord.objects.create(
            community=world.community,
            volunteer=volunteer,
            description=f"清扫{i}",
            served_on=datetime.date(2026, 10, i + 1),
            hours=Decimal(hours),
        )
        for i in range(n)
    ]


def _volunteer(world, **fields):
    return VolunteerFactory(resident=ResidentFactory(household=world.households[0]), **fields)


def test_the_organiser_approves_the_ticked_records_and_declines_only_with_a_reason(client, world):
    records = _records(world, _volunteer(world), 3)
    client.force_login(world.alice)
    page = _text(client.get(LIST))
    # Theirs and the one of 李 the world left waiting.
    assert page.count('name="record"') == 4 and "清扫0" in page
    client.post(DECIDE, {"record": [records[0].pk, records[1].pk], "decision": "decline"})
    theirs = ServiceRecord.objects.filter(pk__in=[record.pk for record in records])
    assert set(theirs.values_list("status", flat=True)) == {RecordStatus.PENDING}
    response = client.post(DECIDE, {"record": [records[0].pk, records[1].pk, "x"],
                                    "decision": "approve"}, follow=True)  # fmt: skip
    assert "已认定 2 条服务记录。" in _text(response)
    statuses = [r.status for r in theirs.order_by("served_on")]
    assert statuses == [RecordStatus.APPROVED, RecordStatus.APPROVED, RecordStatus.PENDING]
    # Another community's staff can tick nothing of these.
    client.force_login(world.charlie)
    client.post(DECIDE, {"record": [records[2].pk], "decision": "approve"})
    assert ServiceRecord.objects.get(pk=records[2].pk).status == RecordStatus.PENDING


def test_a_correction_refuses_impossible_hours_in_place_and_keeps_the_old_value(client, world):
    record = _records(world, _volunteer(world), 1)[0]
    url = reverse("volunteers:record_correct", args=[record.pk])
    client.force_login(world.alice)
    page = _text(client.post(url, {"hours": "25", "note": "多记了"}))
    assert "24" in page  # the limit, said on the form
    assert ServiceRecord.objects.get(pk=record.pk).hours == Decimal(3)
    client.post(url, {"hours": "2.5", "note": "实际两个半小时"})
    record.refresh_from_db()
    assert record.hours == Decimal("2.5")
    assert list(record.history.values_list("hours", flat=True)[:2]) == [Decimal("2.5"), Decimal(3)]


def test_a_volunteer_reads_their_own_hours_and_stars_and_nobody_elses(client, world):
    account = UserFactory()
    assign(account, Role.RESIDENT, world.community)
    mine = _volunteer(world, account=account)
    neighbour = _volunteer(world)
    records_decide(_records(world, mine, 20, hours=6), world.alice, approve=True)
    ServiceRecord.objects.create(
        community=world.community, volunteer=neighbour, hours=7,
        served_on=datetime.date(2026, 10, 9), description="邻居的服务",
    )  # fmt: skip
    client.force_login(account)
    page = _text(client.get(reverse("volunteers:hours_mine")))
    assert "120" in page and "一星" in page and "300 小时可达二星" in page
    assert "邻居的服务" not in page
    assert client.get(LIST).status_code == 404


def test_a_certificate_prints_with_its_code_and_anyone_can_check_it(client, world):
    volunteer = _volunteer(world)
    records_decide(_records(world, volunteer, 2), world.alice, approve=True)
    client.force_login(world.alice)
    response = client.post(reverse("volunteers:certificate_add", args=[volunteer.pk]), follow=True)
    certificate = Certificate.objects.get(volunteer=volunteer)
    page = _text(response)
    assert certificate.code in page and "<svg" in page and "6 小时" in page
    assert volunteer.resident.id_number not in page  # masked on the printed page
    client.logout()
    checked = _text(client.get(reverse("volunteers:certificate_verify"),
                               {"code": certificate.code.lower()}))  # fmt: skip
    assert "此证明真实有效" in checked and world.community.name in checked
    name = volunteer.resident.name
    assert name not in checked and f"{name[0]}*" in checked
    assert volunteer.resident.id_number_masked not in checked
    missing = _text(client.get(reverse("volunteers:certificate_verify"), {"code": "ABCDEFGHJKMN"}))
    assert "没有找到这个验证码的证明" in missing


def test_the_record_list_costs_the_same_queries_for_one_record_or_forty(client, world):
    volunteer = _volunteer(world)
    _records(world, volunteer, 1)
    client.force_login(world.alice)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _n in range(39):
        _records(world, _volunteer(world), 1)
    with CaptureQueriesContext(connection) as many:
        assert "共 41 条" in _text(client.get(LIST))  # with the world's one
    assert len(many) == len(few)


def test_a_party_worker_reads_the_records_without_boxes_to_tick_or_hours_to_correct(client, world):
    record = _records(world, _volunteer(world), 1)[0]
    client.force_login(world.peggy)
    page = _text(client.get(LIST))
    assert "清扫0" in page
    assert 'name="record"' not in page and "认定所选" not in page
    assert reverse("volunteers:record_correct", args=[record.pk]) not in page
    assert client.get(reverse("volunteers:record_correct", args=[record.pk])).status_code == 404
