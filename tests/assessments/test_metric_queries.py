"""How a scoring run asks the apps for their figures: each metric once, without PostgreSQL's JIT
compilation, which cost the visits-in-time query more than it saved at city scale."""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from assessments.choices import Kind
from assessments.models import Scheme
from assessments.scoring import score_month
from shequ import metrics as registry
from shequ.metrics import Period

PERIOD = Period.of(timezone.localdate())


@pytest.fixture
def probe(monkeypatch):
    """A metric that notes whether JIT is on when it runs, registered for the test only."""
    seen = []

    def jit_setting(period: Period) -> registry.Figures:
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            seen.append(cursor.fetchone()[0])
        return {}

    monkeypatch.setitem(registry._registry, "jit_probe",
                        registry.Metric("jit_probe", "JIT", "-", "-", jit_setting))  # fmt: skip
    return seen


@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's")
def test_a_run_computes_each_metric_once_without_jit(world, probe):
    scheme = Scheme.in_force(world.district.pk, PERIOD.first).new_version(PERIOD.first)
    for order in (10, 11):  # two indicators on one metric: still computed once
        scheme.indicators.create(
            group="测试", name=f"探针{order}", order=order, full_marks=Decimal(5),
            kind=Kind.COMPUTED, metric="jit_probe", zero_at=Decimal(0), full_at=Decimal(1),
        )  # fmt: skip
    score_month(world.district, PERIOD)
    assert probe == ["off"]
