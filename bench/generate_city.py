"""Generate a city for the benchmarks: 1,000 communities and 1,000,000 residents in minutes.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ_bench
    .venv/bin/python bench/generate_city.py --communities 1000 --residents 1000000

The hierarchy (streets, communities, grid units) comes from `shequ.demo.seed_hierarchy`. Then
every community gets 10–30 buildings spread over its grid units, about one household per three
residents, and families of one to six people: realistic names, valid 18-digit ID numbers (real
check digit, birth date and sex matching the number, unique in the community), mobile numbers,
重点人群 tags for a few per cent, and some who moved out or died.

Derived columns are computed by the model itself (`Resident.set_name`, `set_id_number`,
`set_mobile`), so search keys, ciphertexts, hashes and masks are exactly what the app writes.
Rows are written with PostgreSQL COPY, one transaction per community, by `--workers` processes
that each generate and load whole communities. COPY bypasses `save()` and signals, so generated
rows have no django-simple-history records.

Communities that already have buildings are skipped, so running it twice adds nothing and an
interrupted run resumes where it stopped. The same `--seed` always gives the same city.
"""

from __future__ import annotations

import argparse
import datetime
import math
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequ.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.db.models import Model  # noqa: E402

from residents.choices import (  # noqa: E402
    Education,
    MaritalStatus,
    PoliticalStatus,
    Relation,
    ResidenceStatus,
    ResidenceType,
    Sex,
    Status,
)
from residents.models import Building, Household, Resident, ResidentTag  # noqa: E402
from shequ.demo import seed_hierarchy  # noqa: E402
from shequ.id_numbers import check_digit  # noqa: E402
from shequ.models import Community, GridUnit, RoleAssignment, Street, User  # noqa: E402
from shequ.validators import natural_sort_key  # noqa: E402

COMMUNITIES_PER_STREET = 50
GRID_UNITS = 4
TODAY = datetime.date.today()

# The hundred most common surnames, most common first (2020 census order), then rarer ones whose
# pinyin initial differs by reading (单 shan/dan, 曾 zeng/ceng) and two-character surnames.
COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马胡朱郭何罗高林郑梁谢唐许冯宋韩邓彭曹曾田萧潘袁蔡蒋余于杜叶程魏"
    "苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾"
    "龚邵万覃武钱戴严莫孔向常汤"
)
RARE_SURNAMES = ("单", "仇", "解", "查", "区", "欧阳", "司马", "诸葛", "上官", "东方")
SURNAMES = [*COMMON_SURNAMES, *RARE_SURNAMES]
SURNAME_WEIGHTS = [1 / (rank + 8) for rank in range(len(COMMON_SURNAMES))] + [0.002] * len(
    RARE_SURNAMES
)
GIVEN_MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林峰建国志成新东海亮博文"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英玲桂兰萍红燕梅琳雪倩婷慧颖洁瑶晶莉淑珍凤玉丹楠琪欣悦佳怡雨晨"
GIVEN_EITHER = "子一思梓浩欣嘉晓雅春秋晨宇天安佳文博家"

# Counties whose codes begin the ID numbers: local (this city) and where floating residents
# come from, with the address written in the registry.
LOCAL_REGIONS = {
    "370302": "山东省淄博市淄川区",
    "370303": "山东省淄博市张店区",
    "370304": "山东省淄博市博山区",
    "370305": "山东省淄博市临淄区",
    "370306": "山东省淄博市周村区",
    "370321": "山东省淄博市桓台县",
}
OTHER_REGIONS = {
    "370102": "山东省济南市历下区",
    "371302": "山东省临沂市兰山区",
    "410102": "河南省郑州市中原区",
    "130102": "河北省石家庄市长安区",
    "340102": "安徽省合肥市瑶海区",
    "320102": "江苏省南京市玄武区",
    "510104": "四川省成都市锦江区",
    "220102": "吉林省长春市南关区",
}
MOBILE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183",
    "185", "186", "187", "188", "189", "191", "199",
]  # fmt: skip
ROADS = ["人民路", "共青团路", "华光路", "柳泉路", "西六路", "新村路", "商场西街", "北京路",
         "金晶大道", "鲁泰大道"]  # fmt: skip
ETHNIC_MINORITIES = ("回族", "满族", "蒙古族", "朝鲜族")
# Household sizes and their shares (average 3.0, as in the 2020 census for cities).
HOUSEHOLD_SIZES = (1, 2, 3, 4, 5, 6)
HOUSEHOLD_SIZE_WEIGHTS = (0.13, 0.26, 0.28, 0.18, 0.10, 0.05)


@dataclass(frozen=True)
class CommunityPlan:
    community_id: int
    code: str
    name: str
    grid_unit_ids: tuple[int, ...]
    residents: int
    seed: int


@dataclass
class Person:
    relation: str
    male: bool
    birth_date: datetime.date
    surname: str


@dataclass
class CommunityRows:
    buildings: list[Building] = field(default_factory=list)
    # (index of the building in `buildings`, household)
    households: list[tuple[int, Household]] = field(default_factory=list)
    # (index of the household in `households`, resident), heads first in each household.
    residents: list[tuple[int, Resident]] = field(default_factory=list)
    # (index of the resident in `residents`, tag id)
    tags: list[tuple[int, int]] = field(default_factory=list)


# --- Generating one community (pure Python, no database) -------------------------------------


def birth_date_at_age(rng: random.Random, age: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=int(age * 365.25) + rng.randrange(365))


def age_on(birth: datetime.date, today: datetime.date = TODAY) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def id_number(rng: random.Random, region: str, person: Person, taken: set[str]) -> str:
    """A valid, unused number: region, birth date, a sequence whose parity is the sex (odd for
    men), and the GB 11643 check digit."""
    while True:
        sequence = rng.randrange(0, 499) * 2 + (1 if person.male else 2)
        first17 = f"{region}{person.birth_date:%Y%m%d}{sequence:03d}"
        number = first17 + check_digit(first17)
        if number not in taken:
            taken.add(number)
            return number


def given_name(rng: random.Random, male: bool) -> str:
    pool = GIVEN_MALE if male else GIVEN_FEMALE
    first = rng.choice(pool + GIVEN_EITHER)
    return first if rng.random() < 0.3 else first + rng.choice(pool)


def full_name(rng: random.Random) -> str:
    return rng.choices(SURNAMES, SURNAME_WEIGHTS)[0] + given_name(rng, rng.random() < 0.5)


def family(rng: random.Random, size: int) -> list[Person]:
    """A household head and the people living with them, with plausible ages and relations."""
    if size == 1:
        head_age = int(rng.triangular(60, 95, 62)) if rng.random() < 0.4 else rng.randint(20, 59)
    else:
        head_age = int(rng.triangular(24, 88, 42))
    head_male = rng.random() < 0.7
    surname = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
    people = [Person(Relation.HEAD, head_male, birth_date_at_age(rng, head_age), surname)]
    family_name = surname
    if size >= 2 and rng.random() < 0.85:
        spouse_surname = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
        spouse_age = max(20, head_age + rng.randint(-5, 5))
        people.append(
            Person(
                Relation.SPOUSE, not head_male, birth_date_at_age(rng, spouse_age), spouse_surname
            )
        )
        if not head_male:
            family_name = spouse_surname
    while len(people) < size:
        male = rng.random() < 0.51
        if head_age < 45 and len(people) == size - 1 and rng.random() < 0.3:
            age, relation = min(head_age + rng.randint(24, 32), 95), Relation.PARENT
        elif head_age < 55 or rng.random() < 0.5:
            age = max(head_age - rng.randint(22, 36), rng.randint(0, 3))
            relation = Relation.SON if male else Relation.DAUGHTER
        else:
            age, relation = max(head_age - rng.randint(48, 62), 0), Relation.GRANDCHILD
        people.append(Person(relation, male, birth_date_at_age(rng, age), family_name))
    return people


def education_for(rng: random.Random, age: int, birth_year: int) -> str:
    if age < 7:
        return Education.PRESCHOOL
    if age < 13:
        return Education.PRIMARY
    if age < 16:
        return Education.JUNIOR_HIGH
    if age < 19:
        return Education.HIGH_SCHOOL
    if birth_year < 1960:
        choices = (Education.ILLITERATE, Education.PRIMARY, Education.JUNIOR_HIGH,
                   Education.HIGH_SCHOOL, Education.SECONDARY_VOCATIONAL)  # fmt: skip
        return rng.choices(choices, (8, 30, 35, 20, 7))[0]
    choices = (Education.JUNIOR_HIGH, Education.HIGH_SCHOOL, Education.SECONDARY_VOCATIONAL,
               Education.JUNIOR_COLLEGE, Education.BACHELOR, Education.POSTGRADUATE)  # fmt: skip
    return rng.choices(choices, (25, 20, 12, 18, 20, 5))[0]


def marital_status_for(rng: random.Random, age: int, married: bool) -> str:
    if age < 18:
        return ""
    if married:
        return MaritalStatus.MARRIED
    if age >= 60:
        return rng.choices((MaritalStatus.WIDOWED, MaritalStatus.DIVORCED, MaritalStatus.MARRIED),
                           (6, 1, 3))[0]  # fmt: skip
    if age < 30:
        return MaritalStatus.SINGLE if rng.random() < 0.7 else MaritalStatus.MARRIED
    return rng.choices((MaritalStatus.MARRIED, MaritalStatus.DIVORCED, MaritalStatus.SINGLE),
                       (8, 1, 1))[0]  # fmt: skip


def political_status_for(rng: random.Random, age: int) -> str:
    if age < 14:
        return PoliticalStatus.MASSES
    if age < 29 and rng.random() < 0.35:
        return PoliticalStatus.LEAGUE_MEMBER
    party = 0.0 if age < 18 else 0.12 if age >= 50 else 0.07
    roll = rng.random()
    if roll < party:
        return PoliticalStatus.PARTY_MEMBER
    if roll < party + 0.002:
        return PoliticalStatus.PROBATIONARY
    return PoliticalStatus.MASSES


def residence_status_for(rng: random.Random, floating: bool) -> str:
    if floating:
        return ResidenceStatus.LIVING_UNREGISTERED
    choices = (ResidenceStatus.PRESENT, ResidenceStatus.REGISTERED_ABSENT, ResidenceStatus.NOMINAL)
    return rng.choices(choices, (92, 7, 1))[0]


def tags_for(rng: random.Random, person: Person, age: int, household_size: int,
             poor_household: bool, tag_ids: dict[str, int]) -> list[int]:  # fmt: skip
    """重点人群: a few per cent of people, the elderly living alone, 低保 households."""
    codes = []
    if age >= 60 and (household_size == 1 or (household_size == 2 and rng.random() < 0.3)):
        codes.append("elderly_alone")
    if age >= 60 and rng.random() < 0.2:
        codes.append("retired")
    if poor_household:
        codes.append("low_income")
    if rng.random() < 0.025:
        codes.append("disabled")
    if age >= 60 and rng.random() < 0.003:
        codes.append("special_hardship")
    if 35 <= age < 60 and rng.random() < 0.015:
        codes.append("laid_off")
    if rng.random() < 0.004:
        codes.append("seriously_ill")
    if 20 <= age < 60 and rng.random() < 0.001:
        codes.append("released_prisoner")
    if 14 <= age < 25 and rng.random() < 0.004:
        codes.append("at_risk_youth")
    if age >= 30 and rng.random() < 0.001:
        codes.append("petitioner")
    if person.relation == Relation.HEAD and rng.random() < 0.002:
        codes.append("family_dispute")
    return [tag_ids[code] for code in codes if code in tag_ids]


def household_sizes(rng: random.Random, residents: int) -> list[int]:
    sizes = []
    while residents > 0:
        size = min(rng.choices(HOUSEHOLD_SIZES, HOUSEHOLD_SIZE_WEIGHTS)[0], residents)
        sizes.append(size)
        residents -= size
    return sizes


def dwellings(rng: random.Random, households: int) -> tuple[int, int, list[tuple[int, str]]]:
    """Units, floors and the (unit, room) of each household in a block of flats, two flats a
    landing, with some flats empty."""
    floors = rng.choice((5, 6, 6, 7, 11, 18))
    units = max(1, min(6, math.ceil(households * 1.15 / (2 * floors))))
    while units * floors * 2 < households:
        floors += 1
    flats = [(u, f"{fl}{door:02d}") for u in range(1, units + 1)
             for fl in range(1, floors + 1) for door in (1, 2)]  # fmt: skip
    return units, floors, sorted(rng.sample(flats, households))


def generate_community(plan: CommunityPlan, tag_ids: dict[str, int]) -> CommunityRows:
    rng = random.Random(plan.seed)
    rows = CommunityRows()
    sizes = household_sizes(rng, plan.residents)
    n_buildings = min(rng.randint(10, 30), len(sizes))
    road = rng.choice(ROADS)
    per_building = [len(sizes) // n_buildings + (b < len(sizes) % n_buildings)
                    for b in range(n_buildings)]  # fmt: skip
    grid_units = plan.grid_unit_ids
    taken: set[str] = set()
    household_no = 0
    for b, count in enumerate(per_building):
        units, floors, flats = dwellings(rng, count)
        building = Building(
            community_id=plan.community_id,
            grid_unit_id=grid_units[b * len(grid_units) // n_buildings],
            number=str(b + 1),
            sort_key=natural_sort_key(str(b + 1)),  # COPY bypasses save(), which sets it
            address=f"{road}{b * 2 + 1}号",
            units=units,
            floors=floors,
            has_elevator=floors > 7,
        )
        rows.buildings.append(building)
        for unit, room in flats:
            household_no += 1
            household = Household(
                community_id=plan.community_id,
                unit=unit,
                room=room,
                number=f"{plan.code[6:]}{household_no:04d}",
            )
            rows.households.append((len(rows.buildings) - 1, household))
            add_family(rng, plan, rows, sizes[household_no - 1], taken, tag_ids)
    return rows


def add_family(rng: random.Random, plan: CommunityPlan, rows: CommunityRows, size: int,
               taken: set[str], tag_ids: dict[str, int]) -> None:  # fmt: skip
    household_index = len(rows.households) - 1
    floating = rng.random() < 0.18
    region = rng.choice(list(OTHER_REGIONS if floating else LOCAL_REGIONS))
    address = (OTHER_REGIONS | LOCAL_REGIONS)[region]
    poor = rng.random() < 0.02
    people = family(rng, size)
    married = size >= 2 and people[1].relation == Relation.SPOUSE
    moved_in = TODAY - datetime.timedelta(days=rng.randrange(30, 3650)) if floating else None
    for person in people:
        age = age_on(person.birth_date)
        resident = Resident(
            community_id=plan.community_id,
            relation_to_head=person.relation,
            sex=Sex.MALE if person.male else Sex.FEMALE,
            birth_date=person.birth_date,
            ethnicity="汉族" if rng.random() < 0.975 else rng.choice(ETHNIC_MINORITIES),
            political_status=political_status_for(rng, age),
            education=education_for(rng, age, person.birth_date.year),
            marital_status=marital_status_for(
                rng, age, married and person.relation in (Relation.HEAD, Relation.SPOUSE)
            ),
            registered_address=address + ("" if floating else plan.name),
            residence_type=ResidenceType.FLOATING if floating else ResidenceType.REGISTERED,
            residence_status=residence_status_for(rng, floating),
            moved_in_on=moved_in,
        )
        resident.set_name(person.surname + given_name(rng, person.male))
        # Someone may have been born in another county than the family's.
        own_region = region if rng.random() < 0.9 else rng.choice(list(LOCAL_REGIONS))
        resident.set_id_number(id_number(rng, own_region, person, taken))
        if age >= 12 and rng.random() < 0.92:
            resident.set_mobile(f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}")
        else:
            resident.set_mobile("")
        if person.relation != Relation.HEAD:
            roll = rng.random()
            if roll < 0.025:
                resident.status = Status.MOVED_OUT
            elif age >= 70 and roll < 0.06:
                resident.status = Status.DECEASED
            if resident.status != Status.LIVING:
                lived = max((TODAY - person.birth_date).days, 1)
                resident.status_changed_on = TODAY - datetime.timedelta(
                    days=rng.randrange(min(lived, 1500))
                )
        resident_index = len(rows.residents)
        rows.residents.append((household_index, resident))
        for tag_id in tags_for(rng, person, age, size, poor, tag_ids):
            rows.tags.append((resident_index, tag_id))


# --- Writing one community (COPY, one transaction) --------------------------------------------


def reserve_ids(cursor, model: type[Model], count: int) -> list[int]:
    """Ids from the table's own identity sequence, so concurrent workers never collide and the
    sequence stays right for rows the app inserts later."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [model._meta.db_table, count],
    )
    return [row[0] for row in cursor.fetchall()]


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    quoted = ", ".join(f'"{column}"' for column in columns)  # a column may be named "order"
    with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def copy_instances(cursor, model: type[Model], instances: list[Model]) -> None:
    """COPY model instances as bulk_create would insert them: every concrete column."""
    fields = model._meta.concrete_fields
    copy_rows(
        cursor,
        model._meta.db_table,
        [f.column for f in fields],
        ([getattr(obj, f.attname) for f in fields] for obj in instances),
    )


def write_community(rows: CommunityRows) -> None:
    with transaction.atomic(), connection.cursor() as wrapper:
        wrapper.execute("SET LOCAL synchronous_commit TO off")
        cursor = wrapper.cursor  # psycopg's own cursor, which has copy()
        for building, pk in zip(
            rows.buildings, reserve_ids(cursor, Building, len(rows.buildings)), strict=True
        ):
            building.pk = pk
        for (b, household), pk in zip(
            rows.households, reserve_ids(cursor, Household, len(rows.households)), strict=True
        ):
            household.pk = pk
            household.building_id = rows.buildings[b].pk
        for (h, resident), pk in zip(
            rows.residents, reserve_ids(cursor, Resident, len(rows.residents)), strict=True
        ):
            resident.pk = pk
            resident.household_id = rows.households[h][1].pk
            if resident.relation_to_head == Relation.HEAD:
                rows.households[h][1].head_id = pk
        # Foreign keys are deferred to the commit, so the order of the tables does not matter.
        copy_instances(cursor, Building, rows.buildings)
        copy_instances(cursor, Household, [household for _, household in rows.households])
        copy_instances(cursor, Resident, [resident for _, resident in rows.residents])
        through = Resident.tags.through
        copy_rows(
            cursor,
            through._meta.db_table,
            [
                through._meta.get_field("resident").column,
                through._meta.get_field("residenttag").column,
            ],
            ((rows.residents[r][1].pk, tag_id) for r, tag_id in rows.tags),
        )


def add_accounts(role: str, people: dict[str, list[dict[str, int]]], rng: random.Random) -> None:
    """The city's workers: an account per username, with `role` in each of its scopes (as
    `{"grid_unit_id": 5}`), and a password nobody can use. A username that exists is kept."""
    with transaction.atomic():
        User.objects.bulk_create(
            [User(username=username, name=full_name(rng), password=make_password(None))
             for username in people],
            ignore_conflicts=True, batch_size=2000,
        )  # fmt: skip
        ids = dict(User.objects.filter(username__in=list(people)).values_list("username", "pk"))
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user_id=ids[username], role=role, **scope)
             for username, scopes in people.items() for scope in scopes],
            ignore_conflicts=True, batch_size=2000,
        )  # fmt: skip


def in_workers(work: Callable, plans: list, workers: int, init: Callable, arg) -> Iterator:
    """`work(plan)` of each plan, in `workers` forked processes that each open their own database
    connection and start with `init(arg)`, or in this one; the results as they come."""
    if workers <= 1:
        init(arg)
        yield from map(work, plans)
        return
    connections.close_all()  # each forked worker opens its own connection
    with multiprocessing.get_context("fork").Pool(
        workers, initializer=init, initargs=(arg,)
    ) as pool:
        yield from pool.imap_unordered(work, plans)


def analyze(*models: type[Model]) -> None:
    """Fresh statistics for the planner and a visibility map for index-only scans, after COPY
    (VACUUM cannot run in a transaction, as under pytest: there, statistics only)."""
    vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"{vacuum} {model._meta.db_table}")


def populate(plan: CommunityPlan, tag_ids: dict[str, int]) -> tuple[int, int, int]:
    rows = generate_community(plan, tag_ids)
    write_community(rows)
    return len(rows.buildings), len(rows.households), len(rows.residents)


_TAG_IDS: dict[str, int] = {}


def _worker_init(tag_ids: dict[str, int]) -> None:
    _TAG_IDS.update(tag_ids)


def _worker(plan: CommunityPlan) -> tuple[int, int, int]:
    return populate(plan, _TAG_IDS)


# --- The whole city -----------------------------------------------------------------------------


def seed_city_hierarchy(communities: int) -> list[Community]:
    """Streets of up to 50 communities with four grid units each, by `seed_hierarchy`."""
    streets = math.ceil(communities / COMMUNITIES_PER_STREET)
    per_street = math.ceil(communities / streets)
    full, rest = divmod(communities, per_street)
    district = seed_hierarchy(streets=full, communities=per_street, grid_units=GRID_UNITS)
    if rest:  # one more street with fewer communities; the others already exist
        seed_hierarchy(streets=full + 1, communities=rest, grid_units=GRID_UNITS)
    codes = [
        f"{district.code}{s + 1:03d}{c + 1:03d}" for s in range(full) for c in range(per_street)
    ]
    codes += [f"{district.code}{full + 1:03d}{c + 1:03d}" for c in range(rest)]
    return list(Community.objects.filter(code__in=codes).order_by("code"))


def resident_counts(rng: random.Random, total: int, communities: int) -> list[int]:
    """Community sizes varying ±30% around the mean and adding up to exactly `total`."""
    weights = [0.7 + 0.6 * rng.random() for _ in range(communities)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % communities] += 1
    return counts


def plans_for(communities: list[Community], residents: int, seed: int) -> list[CommunityPlan]:
    rng = random.Random(seed)
    counts = resident_counts(rng, residents, len(communities))
    grid_units: dict[int, list[int]] = {}
    for community_id, pk in (
        GridUnit.objects.filter(community__in=communities)
        .order_by("community_id", "number")
        .values_list("community_id", "pk")
    ):
        grid_units.setdefault(community_id, []).append(pk)
    return [
        CommunityPlan(c.pk, c.code, c.name, tuple(grid_units[c.pk]), n, seed * 100_003 + i)
        for i, (c, n) in enumerate(zip(communities, counts, strict=True))
    ]


def generate_city(*, communities: int, residents: int, workers: int, seed: int,
                  out=sys.stdout) -> None:  # fmt: skip
    started = time.perf_counter()
    city = seed_city_hierarchy(communities)
    plans = plans_for(city, residents, seed)
    done = set(Building.objects.filter(community__in=city).values_list("community_id", flat=True))
    todo = [plan for plan in plans if plan.community_id not in done]
    if done:
        print(f"{len(done)} communities already have buildings and are skipped.", file=out)
    print(
        f"Hierarchy ready in {time.perf_counter() - started:.1f} s; generating {len(todo)} "
        f"communities, {sum(p.residents for p in todo):,} residents, {workers} worker(s).",
        file=out,
    )
    tag_ids = dict(ResidentTag.objects.values_list("code", "pk"))
    totals = [0, 0, 0]
    load_started = time.perf_counter()
    step = max(1, len(todo) // 20)

    def progress(i: int, counts: tuple[int, int, int]) -> None:
        for k in range(3):
            totals[k] += counts[k]
        if i % step == 0 or i == len(todo):
            elapsed = time.perf_counter() - load_started
            print(
                f"  [{i:>5}/{len(todo)}] {totals[2]:>10,} residents {totals[1]:>9,} households "
                f"{elapsed:7.1f} s  {totals[2] / elapsed:8,.0f} residents/s",
                file=out,
                flush=True,
            )

    for i, counts in enumerate(in_workers(_worker, todo, workers, _worker_init, tag_ids), start=1):
        progress(i, counts)
    load_seconds = time.perf_counter() - load_started
    vacuum_started = time.perf_counter()
    analyze(Street, Community, GridUnit, Building, Household, Resident, Resident.tags.through)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    total = time.perf_counter() - started
    print(
        f"Loaded {totals[2]:,} residents, {totals[1]:,} households, {totals[0]:,} buildings in "
        f"{load_seconds:.1f} s; VACUUM ANALYZE {time.perf_counter() - vacuum_started:.1f} s; "
        f"total {total:.1f} s ({total / 60:.1f} min). Database size {size}.",
        file=out,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if not 1 <= args.communities <= COMMUNITIES_PER_STREET * 999:
        parser.error(f"--communities must be 1–{COMMUNITIES_PER_STREET * 999}")
    if args.residents < args.communities:
        parser.error("--residents must be at least --communities")
    if connection.vendor != "postgresql":
        parser.error("needs PostgreSQL (COPY): set DATABASE_URL=postgres://…")
    generate_city(
        communities=args.communities,
        residents=args.residents,
        workers=args.workers,
        seed=args.seed,
    )


if __name__ == "__main__":
    main()
