"""bench/generate_city.py: valid, realistic rows, written exactly as the model would write them."""

import io
from collections import Counter

import pytest
from django.db import connection

from bench.generate_city import CommunityPlan, generate_city, generate_community
from residents.choices import Relation
from residents.models import Building, Household, Resident
from shequ import chinese, personal_data
from shequ.demo import DEMO_DISTRICT_CODE
from shequ.id_numbers import parse_id_number
from shequ.models import Community

TAG_IDS = {"elderly_alone": 1, "low_income": 2, "disabled": 3, "retired": 4}
PLAN = CommunityPlan(7, "370391001001", "幸福社区", (11, 12, 13, 14), residents=600, seed=5)

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the generator loads rows with PostgreSQL COPY"
)


def test_every_id_number_is_valid_unique_and_matches_birth_date_and_sex():
    rows = generate_community(PLAN, TAG_IDS)
    numbers = [resident.id_number for _, resident in rows.residents]
    assert len(numbers) == 600
    assert len(set(numbers)) == 600
    for number, (_, resident) in zip(numbers, rows.residents, strict=True):
        parsed = parse_id_number(number)
        assert (parsed.birth_date, parsed.sex) == (resident.birth_date, resident.sex)


def test_search_keys_hashes_and_masks_are_the_models_own():
    for _, resident in generate_community(PLAN, TAG_IDS).residents[:50]:
        assert resident.name_simplified == chinese.simplified(resident.name)
        assert resident.name_initials == chinese.initials(resident.name)
        assert resident.id_number_hash == personal_data.lookup_hash(resident.id_number)
        assert resident.id_number_masked == personal_data.mask_document(resident.id_number)
        if resident.mobile:
            assert resident.mobile_hash == personal_data.lookup_hash(resident.mobile)
            assert resident.mobile_masked == personal_data.mask_mobile(resident.mobile)


def test_every_household_has_one_head_and_fits_its_building():
    rows = generate_community(PLAN, TAG_IDS)
    heads = Counter(h for h, resident in rows.residents if resident.relation_to_head == "head")
    assert set(heads.values()) == {1}
    assert len(heads) == len(rows.households)
    assert 10 <= len(rows.buildings) <= 30
    assert {b.grid_unit_id for b in rows.buildings} == set(PLAN.grid_unit_ids)
    flats = set()
    for b, household in rows.households:
        building = rows.buildings[b]
        assert 1 <= household.unit <= building.units
        assert 1 <= int(household.room[:-2]) <= building.floors
        flats.add((b, household.unit, household.room))
    assert len(flats) == len(rows.households)


def test_the_same_seed_gives_the_same_people():
    first, again = generate_community(PLAN, TAG_IDS), generate_community(PLAN, TAG_IDS)
    assert [r.name for _, r in first.residents] == [r.name for _, r in again.residents]
    assert [r.id_number_hash for _, r in first.residents] == [
        r.id_number_hash for _, r in again.residents
    ]


@needs_postgresql
def test_it_writes_a_city_and_a_second_run_adds_nothing(db):
    generate_city(communities=3, residents=900, workers=1, seed=1, out=io.StringIO())
    city = Community.objects.filter(street__district__code=DEMO_DISTRICT_CODE)
    assert city.count() == 3
    assert Resident.objects.filter(community__in=city).count() == 900
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign keys hold
    households = Household.objects.filter(community__in=city)
    assert not households.filter(head__isnull=True).exists()
    head = households.select_related("head").first().head
    assert head.relation_to_head == Relation.HEAD and head.household_id == households.first().pk
    buildings = Building.objects.count()

    out = io.StringIO()
    generate_city(communities=3, residents=900, workers=1, seed=1, out=out)
    assert "3 communities already have buildings" in out.getvalue()
    assert (Resident.objects.count(), Building.objects.count()) == (900, buildings)


@needs_postgresql
def test_the_identity_sequences_stay_ahead_of_generated_rows(db):
    generate_city(communities=1, residents=50, workers=1, seed=2, out=io.StringIO())
    household = Household.objects.first()
    resident = Resident(community=household.community, household=household, sex="F",
                        relation_to_head="other",  # the household has its one living head
                        birth_date=household.members.first().birth_date)  # fmt: skip
    resident.set_name("新登记")
    resident.save()
    assert resident.pk > max(Resident.objects.exclude(pk=resident.pk).values_list("pk", flat=True))
