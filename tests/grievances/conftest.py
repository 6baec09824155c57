import pytest

from grievances import services
from grievances.choices import Channel, Kind
from grievances.models import Category


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
