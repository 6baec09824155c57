import pytest

from grievances import services
from grievances.choices import Channel, Kind
from grievances.models import Category


@pytest.fixture
def category(db) -> Category:
    return Category.objects.create(code="test-lift", name="电梯故障", time_limit_days=5)


def register(world, category, **fields):
    defaults = {
        "community": world.community, "category": category, "kind": Kind.COMPLAINT,
        "channel": Channel.VISIT, "title": "电梯停运", "description": "三天没有电梯",
        "by": world.alice, "building": world.buildings[0], "contact_phone": "13812345678",
    }  # fmt: skip
    return services.grievance_register(**{**defaults, **fields})
