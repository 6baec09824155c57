import factory
from factory.django import DjangoModelFactory

from shequ.models import Community, District, GridUnit, Role, RoleAssignment, Street, User

PASSWORD = "Correct-horse-42"


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"测试{n}区")
    code = factory.Sequence(lambda n: f"3703{n % 90 + 10:02d}")


class StreetFactory(DjangoModelFactory):
    class Meta:
        model = Street

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"测试{n}街道")
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.district.code}{n % 999 + 1:03d}")


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试{n}社区")
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.street.code}{n % 199 + 1:03d}")


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
    level = {District: "district", Street: "street", Community: "community", GridUnit: "grid_unit"}
    return RoleAssignment.objects.create(user=user, role=role, **{level[type(scope)]: scope})
