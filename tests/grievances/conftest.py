import pytest

from grievances import services
from grievances.choices import Channel, Kind
from grievances.models import Category


@pytest.fixture
def category(db) -> Category:
    return Category.objects.create(code="test-lift", name="电梯故障", time_limit_days=5)


def register_case(world, category, **fields):
    """A walk-in case at alice's desk in the given category, through the service."""
    defaults = {
        "community": world.community, "category": category, "kind": Kind.COMPLAINT,
        "channel": Channel.VISIT, "title": "电梯停运", "description": "三天没有电梯",
        "by": world.alice, "building": world.buildings[0], "contact_phone": "13812345678",
    }  # fmt: skip
    return services.grievance_register(**{**defaults, **fields})


@pytest.fixture
def register(world):
    """`register(title, **overrides)`: a walk-in case at alice's desk, through the service."""

    def _register(title: str, **overrides):
        fields = {
            "community": world.community,
            "category": Category.objects.get(code="sanitation"),
            "kind": Kind.HELP,
            "channel": Channel.VISIT,
            "description": f"{title}。",
            "by": world.alice,
            "building": world.buildings[0],
            "contact_name": "王秀英",
            "contact_phone": "13812345678",
            **overrides,
        }
        return services.grievance_register(title=title, **fields)

    return _register
