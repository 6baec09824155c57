"""ID and mobile numbers: encrypted at rest, found by keyed hash, masked everywhere they are shown,
never put in an edit form, and re-masked in place when the policy tightens."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from residents.models import Resident
from shequ import personal_data
from tests.factories import ResidentFactory, valid_id_number
from tests.residents.test_resident_views import form_data


def test_a_database_dump_holds_no_number(world):
    resident = world.residents[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM residents_resident WHERE id = %s", [resident.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert resident.id_number not in row
    assert resident.id_number[:14] not in row
    assert "13812345678" not in row
    assert resident.id_number_masked in row
    assert Resident.objects.get(pk=resident.pk).mobile == "13812345678"


@pytest.mark.parametrize(
    ("document_type", "number", "masked"),
    [
        ("id_card", "11010519491231002X", "**************002X"),
        ("taiwan_permit", "01234567", "****4567"),  # 8-character 台胞证
        ("passport", "E12345678", "*****5678"),
        ("hk_macao_permit", "H1234567", "****4567"),
        ("passport", "AB1234", "****34"),  # short: at least four hidden
        ("passport", "1234", "****"),
    ],
)
def test_every_document_keeps_at_most_its_last_four_and_hides_at_least_four(
    world, document_type, number, masked
):
    resident = ResidentFactory(
        household=world.households[0], document_type=document_type, id_number=number
    )
    assert resident.id_number_masked == masked
    assert Resident.objects.get(pk=resident.pk).id_number == number


def test_a_mobile_keeps_its_prefix_and_last_four(world):
    assert world.residents[0].mobile_masked == "138****5678"


def test_it_encrypts_the_same_number_differently_each_time_but_hashes_it_alike():
    assert personal_data.encrypt("13812345678") != personal_data.encrypt("13812345678")
    assert personal_data.lookup_hash("13812345678") == personal_data.lookup_hash("13812345678")
    assert personal_data.decrypt(personal_data.encrypt("张三 13812345678")) == "张三 13812345678"


def test_history_keeps_no_ciphertext(world):
    record = world.residents[0].history.first()
    assert not hasattr(record, "id_number_ciphertext")
    assert record.id_number_masked == "*" * 14 + world.residents[0].id_number[-4:]


def test_the_data_migration_remasks_rows_and_their_history(world):
    """Rows and history written under the old masks (first four and last four) are re-masked:
    the current number from its ciphertext, an older number from its old mask."""
    resident = world.residents[0]
    old_number = valid_id_number("19500307", 99)
    old = {
        "id_number_masked": resident.id_number[:4] + "*" * 10 + resident.id_number[-4:],
        "mobile_masked": "1381****5678",
    }
    Resident.objects.filter(pk=resident.pk).update(**old)
    history = resident.history.model.objects.filter(id=resident.pk)
    history.update(id_number_masked=old["id_number_masked"])
    older = history.first()
    older.pk = None
    older.id_number_hash = personal_data.lookup_hash(old_number)
    older.id_number_masked = old_number[:4] + "*" * 10 + old_number[-4:]
    older.save()
    short = history.first()
    short.pk = None
    short.id_number_hash = personal_data.lookup_hash("01234567")
    short.id_number_masked = "01234567"  # the old mask of an 8-character 台胞证: all of it
    short.save()

    migration = importlib.import_module("residents.migrations.0006_privacy_remask")
    migration.remask(apps, None)

    resident.refresh_from_db()
    assert resident.id_number_masked == "*" * 14 + resident.id_number[-4:]
    assert resident.mobile_masked == "138****5678"
    masks = set(history.values_list("id_number_masked", flat=True))
    assert masks == {"*" * 14 + resident.id_number[-4:], "*" * 14 + old_number[-4:], "********"}


# Editing ------------------------------------------------------------------------------------


def edit(client, world, resident, **overrides):
    client.force_login(world.alice)
    data = form_data(
        world,
        name=resident.name,
        relation_to_head=resident.relation_to_head,
        id_number="",
        mobile="",
        sex=resident.sex,
        birth_date=f"{resident.birth_date:%Y-%m-%d}",
    )
    return client.post(
        reverse("residents:resident_edit", args=[resident.pk]), {**data, **overrides}
    )


def test_the_edit_page_never_contains_the_whole_numbers(client, world):
    resident = world.residents[0]
    client.force_login(world.alice)
    html = client.get(reverse("residents:resident_edit", args=[resident.pk])).content.decode()
    assert resident.name in html
    assert resident.id_number not in html and resident.id_number[:14] not in html
    assert "13812345678" not in html and "1381234" not in html
    assert f"已登记 {resident.id_number_masked}；不修改请留空" in html
    assert "已登记 138****5678；不修改请留空" in html


def test_saving_with_the_number_fields_empty_keeps_the_numbers(client, world):
    resident = world.residents[0]
    number = resident.id_number
    response = edit(client, world, resident, notes="改了备注")
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.id_number, resident.mobile, resident.notes) == (
        number,
        "13812345678",
        "改了备注",
    )


def test_typing_a_new_number_replaces_it(client, world):
    resident = world.residents[0]
    new = valid_id_number("19500307", 77)
    assert edit(client, world, resident, id_number=new, mobile="13600001111").status_code == 302
    resident.refresh_from_db()
    assert (resident.id_number, resident.mobile) == (new, "13600001111")
    assert resident.id_number_masked == "*" * 14 + new[-4:]


def test_a_kept_id_number_still_checks_the_birth_date(client, world):
    resident = world.residents[0]
    response = edit(client, world, resident, birth_date="1950-03-08")
    assert response.status_code == 200
    assert "与身份证号码中的出生日期不一致" in response.content.decode()
    resident.refresh_from_db()
    assert f"{resident.birth_date:%m-%d}" == "03-07"
