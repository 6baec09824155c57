"""Demo data: a district with streets, communities and grid units, and one account per role.

Rows are inserted in bulk and keyed by their official codes, so running it twice changes
nothing and a city-sized hierarchy takes seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from shequ.models import Community, District, GridUnit, Role, RoleAssignment, Street, User

DEMO_PASSWORD = "Shequ-demo-2026"
DEMO_DISTRICT_CODE = "370391"  # 山东省 prefix; 91 is not assigned to a real county

STREET_NAMES = [
    "东城街道",
    "西城街道",
    "南山街道",
    "北湖街道",
    "矿区街道",
    "新城街道",
    "河滨街道",
    "青山街道",
]
COMMUNITY_NAMES = [
    "幸福社区",
    "和平社区",
    "光明社区",
    "向阳社区",
    "团结社区",
    "新华社区",
    "建设社区",
    "朝阳社区",
    "渝阳社区",
    "东风社区",
    "胜利社区",
    "红旗社区",
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: str | None
    phone: str
    scope: str


def _numbered(names: list[str], index: int) -> str:
    base = names[index % len(names)]
    rounds = index // len(names)
    return (
        base
        if rounds == 0
        else base.replace("社区", f"{rounds + 1}社区").replace("街道", f"{rounds + 1}街道")
    )


@transaction.atomic
def seed_hierarchy(*, streets: int, communities: int, grid_units: int) -> District:
    district, _ = District.objects.get_or_create(
        code=DEMO_DISTRICT_CODE, defaults={"name": "示范区"}
    )
    Street.objects.bulk_create(
        [
            Street(
                district=district,
                code=f"{district.code}{s + 1:03d}",
                name=_numbered(STREET_NAMES, s),
            )
            for s in range(streets)
        ],
        ignore_conflicts=True,
    )
    street_rows = list(district.streets.filter(code__isnull=False).order_by("code")[:streets])
    Community.objects.bulk_create(
        [
            Community(
                street=street,
                code=f"{street.code}{c + 1:03d}",
                name=_numbered(COMMUNITY_NAMES, s * communities + c),
                address=f"示范区{street.name}{c + 1}号",
                phone=f"0533-62{s:02d}{c:04d}"[:13],
            )
            for s, street in enumerate(street_rows)
            for c in range(communities)
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    community_ids = Community.objects.filter(street__in=street_rows).values_list("pk", flat=True)
    GridUnit.objects.bulk_create(
        [
            GridUnit(community_id=pk, number=g + 1, name=f"第{g + 1}网格")
            for pk in community_ids
            for g in range(grid_units)
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    return district


@transaction.atomic
def seed_accounts(district: District) -> list[DemoAccount]:
    first_street = district.streets.order_by("code").first()
    communities = list(Community.objects.filter(street__district=district).order_by("code")[:2])
    first, second = communities[0], communities[-1]
    first_grid = first.grid_units.order_by("number").first()
    plan = [
        ("admin", "系统管理员", None, {}, "13800000000"),
        ("quzhang", "王区长", Role.OFFICIAL, {"district": district}, "13800000001"),
        ("jiedao", "李主任", Role.OFFICIAL, {"street": first_street}, "13800000002"),
        ("shequ", "张书记", Role.COMMUNITY_STAFF, {"community": first}, "13800000003"),
        ("wangge", "赵网格员", Role.GRID_WORKER, {"grid_unit": first_grid}, "13800000004"),
        ("dangwu", "孙委员", Role.PARTY_WORKER, {"community": first}, "13800000005"),
        ("jumin", "周居民", Role.RESIDENT, {"community": first}, "13800000006"),
        ("shequ2", "钱主任", Role.COMMUNITY_STAFF, {"community": second}, "13800000007"),
    ]
    accounts = []
    for username, name, role, scope, phone in plan:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"name": name, "phone": phone, "email": f"{username}@example.com"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if role is None:
                user.is_staff = user.is_superuser = True
            user.save()
        if role is not None:
            RoleAssignment.objects.get_or_create(user=user, role=role, **scope)
        label = str(next(iter(scope.values()))) if scope else "全部"
        accounts.append(DemoAccount(username, name, role, phone, label))
    return accounts
