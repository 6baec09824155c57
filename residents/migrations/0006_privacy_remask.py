"""Re-mask every stored ID, document and mobile number under the masking policy of
shequ.personal_data (last four characters of a document at most, at least four hidden).

Current rows are re-masked from their ciphertext. History rows hold no ciphertext: one whose
lookup hash is the resident's current one is given the current mask; an older number is
re-masked from its old mask, whose last four characters were the number's own when it hid
anything (a mask of eight characters or fewer was the number itself, or an overlap of its
ends, and is hidden entirely).

Not reversible in substance: going back would restore masks that gave the numbers away, so
the reverse step leaves the new masks in place.
"""

from django.db import migrations

from shequ import personal_data


def _from_old_mask(old: str) -> str:
    if "*" in old:
        # 9 characters or more: the old mask kept the number's own last four.
        return personal_data.mask_document(old)
    # 8 or fewer: the old mask was the number itself, or an overlap of its two ends.
    return "*" * len(old)


def remask(apps, schema_editor):
    Resident = apps.get_model("residents", "Resident")
    HistoricalResident = apps.get_model("residents", "HistoricalResident")
    current = {}
    for resident in Resident.objects.only("id_number_ciphertext", "id_number_hash", "mobile_ciphertext").iterator():
        number = personal_data.decrypt(resident.id_number_ciphertext) if resident.id_number_ciphertext else ""
        mobile = personal_data.decrypt(resident.mobile_ciphertext) if resident.mobile_ciphertext else ""
        id_masked = personal_data.mask_document(number) if number else ""
        mobile_masked = personal_data.mask_mobile(mobile) if mobile else ""
        Resident.objects.filter(pk=resident.pk).update(
            id_number_masked=id_masked, mobile_masked=mobile_masked
        )
        current[resident.pk] = (resident.id_number_hash, id_masked)
    records = HistoricalResident.objects.only("id", "id_number_hash", "id_number_masked")
    for record in records.iterator():
        hash_now, masked_now = current.get(record.id, ("", ""))
        if record.id_number_hash and record.id_number_hash == hash_now:
            masked = masked_now
        else:
            masked = _from_old_mask(record.id_number_masked)
        if masked != record.id_number_masked:
            HistoricalResident.objects.filter(pk=record.pk).update(id_number_masked=masked)


class Migration(migrations.Migration):
    dependencies = [("residents", "0005_datasense_dates_heads_buildings_tag_history")]

    operations = [migrations.RunPython(remask, migrations.RunPython.noop, elidable=False)]
