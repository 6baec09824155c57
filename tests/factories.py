import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from shequ.models import (
    Community,
    Department,
    District,
    GridUnit,
    Role,
    RoleAssignment,
    Street,
    User,
)

PASSWORD = "Correct-horse-42"


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"测试{n}区")
    code = factory.Sequence(lambda n: f"3703{n % 90 + 10:02d}")


def free_code(rows, prefix: str) -> str:
    """The lowest code under `prefix` that none of `rows` has: a number from a sequence shared by
    every test would sooner or later repeat the code a fixture gave a street or community by
    hand."""
    taken = set(rows.values_list("code", flat=True))
    return next(c for n in range(1, 1000) if (c := f"{prefix}{n:03d}") not in taken)


class StreetFactory(DjangoModelFactory):
    class Meta:
        model = Street

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"测试{n}街道")
    code = factory.LazyAttribute(
        lambda o: free_code(Street.objects.filter(district=o.district), o.district.code)
    )


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试{n}社区")
    code = factory.LazyAttribute(
        lambda o: free_code(Community.objects.filter(street=o.street), o.street.code)
    )


class GridUnitFactory(DjangoModelFactory):
    class Meta:
        model = GridUnit

    community = factory.SubFactory(CommunityFactory)
    number = factory.Sequence(lambda n: n % 999 + 1)
    name = factory.LazyAttribute(lambda o: f"第{o.number}网格")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def assign(user: User, role: Role, scope) -> RoleAssignment:
    level = {District: "district", Street: "street", Community: "community", GridUnit: "grid_unit",
             Department: "department"}  # fmt: skip
    return RoleAssignment.objects.create(user=user, role=role, **{level[type(scope)]: scope})


def valid_id_number(birth: str = "19800101", sequence: int = 1, region: str = "370302") -> str:
    """An ID number with a correct GB 11643 check digit."""
    from shequ.id_numbers import check_digit

    first17 = f"{region}{birth}{sequence % 1000:03d}"
    return first17 + check_digit(first17)


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = "residents.Building"

    grid_unit = factory.SubFactory(GridUnitFactory)
    community = factory.LazyAttribute(lambda o: o.grid_unit.community)
    number = factory.Sequence(lambda n: str(n + 1))
    units = 2
    floors = 6


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = "residents.Household"

    building = factory.SubFactory(BuildingFactory)
    community = factory.LazyAttribute(lambda o: o.building.community)
    unit = 1
    room = factory.Sequence(lambda n: f"{n % 6 + 1}{n % 99 + 1:02d}")
    number = factory.Sequence(lambda n: f"H{n:06d}")


class ResidentFactory(DjangoModelFactory):
    class Meta:
        model = "residents.Resident"
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    community = factory.LazyAttribute(lambda o: o.household.community)
    # The first person registered in a household is its 户主; a household has one living head.
    relation_to_head = factory.LazyAttribute(
        lambda o: "other" if o.household.living_head_besides(None) else "head"
    )
    sex = "M"
    birth_date = factory.Sequence(lambda n: datetime.date(1950 + n % 50, n % 12 + 1, n % 28 + 1))
    full_name = factory.Sequence(lambda n: f"居民{n}")
    id_number = factory.LazyAttributeSequence(
        lambda o, n: valid_id_number(o.birth_date.strftime("%Y%m%d"), n * 2 + 1)
    )
    mobile = factory.Sequence(lambda n: f"139{n:08d}")

    @classmethod
    def _create(cls, model_class, *args, full_name, id_number, mobile, **kwargs):
        resident = model_class(*args, **kwargs)
        resident.set_name(full_name)
        resident.set_id_number(id_number)
        resident.set_mobile(mobile)
        resident.save()
        return resident

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = "residents.Visit"
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    community = factory.LazyAttribute(lambda o: o.household.community)
    visitor = factory.SubFactory(UserFactory)
    visited_on = factory.LazyFunction(timezone.localdate)
    notes = factory.Sequence(lambda n: f"走访记录{n}")

    @factory.post_generation
    def residents(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.residents.set(extracted)


class FieldLogEntryFactory(DjangoModelFactory):
    class Meta:
        model = "residents.FieldLogEntry"
        skip_postgeneration_save = True

    grid_unit = factory.SubFactory(GridUnitFactory)
    community = factory.LazyAttribute(lambda o: o.grid_unit.community)
    author = factory.SubFactory(UserFactory)
    date = factory.LazyFunction(timezone.localdate)
    seen = factory.Sequence(lambda n: f"民情{n}")

    @factory.post_generation
    def residents(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.residents.set(extracted)


class FieldLogCommentFactory(DjangoModelFactory):
    class Meta:
        model = "residents.FieldLogComment"

    entry = factory.SubFactory(FieldLogEntryFactory)
    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"批注{n}")


def register_grievance(community, *, title: str = "楼道灯坏了", building=None, **kwargs):
    """A case submitted online, through the service as the public form does."""
    from grievances.models import Category
    from grievances.services import grievance_register

    defaults = {
        "category": Category.objects.get(code="property-water"),
        "kind": "help",
        "channel": "online",
        "description": "三楼到五楼的灯都不亮。",
        "contact_name": "反映人甲",
        "contact_phone": "13600000001",
        "address": "" if building else "小区东门",
    }
    return grievance_register(
        community=community, title=title, building=building, **{**defaults, **kwargs}
    )


def png_bytes(size: tuple[int, int] = (8, 8), color: str = "red") -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def add_photo(grievance):
    from django.core.files.base import ContentFile

    from grievances.models import Photo

    return Photo.objects.create(grievance=grievance, image=ContentFile(png_bytes(), "p.png"))


class PartyOrganizationFactory(DjangoModelFactory):
    class Meta:
        model = "partybuild.PartyOrganization"
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    kind = "branch"
    name = factory.Sequence(lambda n: f"第{n}党支部")
    founded_on = datetime.date(2000, 1, 1)

    @factory.post_generation
    def grid_units(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.grid_units.set(extracted)


def add_party_member(resident, organization, by, *, joined_on=datetime.date(1990, 7, 1),
                     full_on=None, **fields):  # fmt: skip
    """A party file registered through the service, as the member form does; `full_on` sets a
    full member's confirmation date directly, as an imported file has it (None: probationary)."""
    from partybuild.models import PartyMember
    from partybuild.services import member_register

    member = PartyMember(resident=resident, organization=organization, joined_on=joined_on,
                         full_on=full_on, **fields)  # fmt: skip
    return member_register(member, by)


def add_meeting(organization, kind, day, by, *, attendance=None, files=(), **fields):
    """A meeting saved through the service, as the meeting form does: `attendance` maps each
    member on the roll to (presence, reason); `files` are (name, bytes)."""
    from django.core.files.base import ContentFile

    from partybuild.models import OrganizationalLife
    from partybuild.services import meeting_save

    fields.setdefault("topic", "学习党章")
    meeting = OrganizationalLife(organization=organization, kind=kind, date=day, recorded_by=by,
                                 **fields)  # fmt: skip
    attendance = {member.pk: value for member, value in (attendance or {}).items()}
    contents = [(ContentFile(data, name=name), name) for name, data in files]
    return meeting_save(meeting, by=by, attendance=attendance, files=contents)


def set_dues(member, by, *, months_ago: int = 2, **fields):
    """A dues basis from the first of the month `months_ago` before this one, set through the
    service as the basis form does (which also makes the months owed since)."""
    from django.utils import timezone

    from partybuild.dues.services import dues_basis_set
    from partybuild.models import DuesBasis

    month = timezone.localdate().replace(day=1)
    for _ in range(months_ago):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    basis = DuesBasis(member=member, effective_from=month, **fields)
    basis.full_clean()
    return dues_basis_set(basis, by)


class VolunteerFactory(DjangoModelFactory):
    """An active volunteer: a resident of the registry, confirmed."""

    class Meta:
        model = "volunteers.Volunteer"

    resident = factory.SubFactory(ResidentFactory)
    community = factory.LazyAttribute(lambda o: o.resident.community)
    status = "active"
    registered_on = datetime.date(2024, 1, 1)


class ActivityFactory(DjangoModelFactory):
    """An activity tomorrow evening, two hours long, with ten places."""

    class Meta:
        model = "volunteers.Activity"

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"活动{n}")
    starts_at = factory.LazyFunction(
        lambda: (
            timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0)
            + datetime.timedelta(days=1)
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    address = "社区广场"
    capacity = 10
