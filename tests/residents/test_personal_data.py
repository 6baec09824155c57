"""ID and mobile numbers: encrypted at rest, found by keyed hash, masked on every list."""

from django.db import connection

from residents.models import Resident
from shequ import personal_data


def test_a_database_dump_holds_no_number(world):
    resident = world.residents[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM residents_resident WHERE id = %s", [resident.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert resident.id_number not in row
    assert "13812345678" not in row
    assert resident.id_number[4:14] not in row  # the digits the mask hides
    assert resident.id_number_masked in row
    assert Resident.objects.get(pk=resident.pk).mobile == "13812345678"


def test_it_masks_as_offices_print_them(world):
    resident = world.residents[0]
    assert resident.id_number_masked == resident.id_number[:4] + "*" * 10 + resident.id_number[-4:]
    assert resident.mobile_masked == "138****5678"
    assert personal_data.mask("11010519491231002X", 4) == "1101**********002X"


def test_it_encrypts_the_same_number_differently_each_time_but_hashes_it_alike():
    assert personal_data.encrypt("13812345678") != personal_data.encrypt("13812345678")
    assert personal_data.lookup_hash("13812345678") == personal_data.lookup_hash("13812345678")
    assert personal_data.decrypt(personal_data.encrypt("张三 13812345678")) == "张三 13812345678"


def test_history_keeps_no_ciphertext(world):
    record = world.residents[0].history.first()
    assert not hasattr(record, "id_number_ciphertext")
    assert record.id_number_masked == world.residents[0].id_number_masked
