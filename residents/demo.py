"""Demo registry for the first two demo communities: buildings, households, residents, a few
visits and field-log entries, so every page has something to show."""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from residents.choices import Relation, ResidenceType
from residents.models import Building, FieldLogEntry, Household, Resident, ResidentTag, Visit
from shequ.id_numbers import check_digit
from shequ.models import Community, District, Role, User

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国文红玉兰凤志强海燕春梅小红德福永胜淑珍丽娟建华"  # noqa: E501


def id_number(rng: random.Random, region: str, birth: datetime.date, male: bool) -> str:
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def person(rng: random.Random, household: Household, relation: str, birth: datetime.date,
           male: bool, surname: str) -> Resident:  # fmt: skip
    resident = Resident(
        community=household.community, household=household, relation_to_head=relation,
        sex="M" if male else "F", birth_date=birth,
        residence_type=ResidenceType.FLOATING if rng.random() < 0.15 else ResidenceType.REGISTERED,
        registered_address="山东省淄博市" if rng.random() < 0.8 else "河北省邯郸市",
    )  # fmt: skip
    resident.set_name(surname + "".join(rng.sample(GIVEN, rng.choice((1, 2)))))
    resident.set_id_number(id_number(rng, household.community.code[:6], birth, male))
    resident.set_mobile(f"1{rng.choice('3589')}{rng.randrange(10**9):09d}")
    return resident


@transaction.atomic
def seed(district: District) -> None:
    rng = random.Random(2026)
    tags = {tag.code: tag for tag in ResidentTag.objects.all()}
    communities = Community.objects.filter(street__district=district).order_by("code")[:2]
    for community in communities:
        grid_worker = User.objects.filter(
            role_assignments__role=Role.GRID_WORKER,
            role_assignments__grid_unit__community=community,
        ).first()
        if community.buildings.exists():
            continue
        number = 0
        for unit in community.grid_units.order_by("number")[:2]:
            for _ in range(2):
                number += 1
                building = Building.objects.create(
                    community=community, grid_unit=unit, number=str(number), units=2, floors=6,
                    address=f"{community.name}幸福路{number}号", has_elevator=number % 2 == 0,
                )  # fmt: skip
                for stair in (1, 2):
                    for floor in range(1, 7):
                        for door in (1, 2):
                            if rng.random() < 0.35:
                                continue
                            household = Household.objects.create(
                                community=community, building=building, unit=stair,
                                room=f"{floor}0{door}",
                                number=f"{community.code[-6:]}{number:02d}{stair}{floor}0{door}",
                            )  # fmt: skip
                            _family(rng, household, tags)
        _fieldwork(rng, community, grid_worker)


def _family(rng: random.Random, household: Household, tags: dict) -> None:
    surname = rng.choice(SURNAMES)
    head_age = rng.randrange(28, 88)
    today = datetime.date(2026, 11, 1)
    head_birth = today - datetime.timedelta(days=head_age * 365 + rng.randrange(365))
    head_male = rng.random() < 0.6
    members = [person(rng, household, Relation.HEAD, head_birth, head_male, surname)]
    if head_age < 80 and rng.random() < 0.7:
        spouse_birth = head_birth + datetime.timedelta(days=rng.randrange(-1500, 1500))
        members.append(
            person(
                rng, household, Relation.SPOUSE, spouse_birth, not head_male, rng.choice(SURNAMES)
            )
        )
    if head_age < 60:
        for _ in range(rng.choice((0, 1, 1, 2))):
            child_birth = head_birth + datetime.timedelta(days=rng.randrange(22 * 365, 35 * 365))
            if child_birth < today:
                male = rng.random() < 0.5
                members.append(person(rng, household, Relation.SON if male else Relation.DAUGHTER,
                                      child_birth, male, surname))  # fmt: skip
    for member in members:
        member.save()
    household.head = members[0]
    household.save(update_fields=["head"])
    if head_age >= 70 and len(members) == 1:
        members[0].tags.add(tags["elderly_alone"])
    if rng.random() < 0.06:
        members[0].tags.add(tags[rng.choice(["low_income", "disabled", "laid_off", "retired"])])
    if rng.random() < 0.02:
        members[0].tags.add(tags["released_prisoner"])


def _fieldwork(rng: random.Random, community: Community, grid_worker: User | None) -> None:
    if grid_worker is None:
        return
    households = list(community.households.order_by("pk")[:12])
    for n, household in enumerate(households[::3]):
        Visit.objects.create(
            community=community, household=household, visitor=grid_worker,
            visited_on=datetime.date(2026, 11, 20) - datetime.timedelta(days=n * 17),
            notes="上门了解生活情况，老人身体尚好。",
        )  # fmt: skip
    for n, (seen, done) in enumerate([
        ("1号楼2单元楼道堆放杂物", "已联系物业清理"),
        ("2号楼东侧路灯不亮", "已报街道城管"),
        ("小区门口共享单车乱停", "已摆放整齐"),
    ]):  # fmt: skip
        building = community.buildings.order_by("number").first()
        FieldLogEntry.objects.create(
            community=community, grid_unit=building.grid_unit, building=building,
            author=grid_worker, date=datetime.date(2026, 11, 21) - datetime.timedelta(days=n),
            seen=seen, done=done,
        )  # fmt: skip
