"""Counts kept per community, so officials read a district's figures without scanning residents.

`PopulationSnapshot` is the first of the snapshots officials' pages read (see
docs/architecture.md, "Officials' counts read snapshots"): one row per community, computed
set-based across all communities by a Celery task (beat, hourly) and again for one community
soon after its residents change, with `computed_at` shown on the page. The assessment dashboards
follow the same shape: a row per community (and period), a `refresh_*` function that computes
many communities in a fixed number of GROUP BY queries and upserts them, a thin task, an
on-change hook that enqueues after commit.

Totals are columns; breakdowns are JSON objects keyed by code or id. Tags and grid units are
open-ended sets (administrators add tags, communities add grid units), which columns would turn
into a migration each; a page reads whole rows and sums or sorts a district's thousand rows in
Python, so nothing needs to filter inside the JSON in SQL.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residents.choices import AGE_PARTITION, AGE_SUMS, ResidenceStatus, ResidenceType, Status
from residents.models.people import Resident, age_group_q
from shequ.models import Community, Role, ScopedModel
from shequ.models.scoping import CHANGE, VIEW

LIVING = Q(status=Status.LIVING)


class PopulationSnapshot(ScopedModel):
    community = models.OneToOneField(
        Community,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="population",
        verbose_name=_("社区"),
    )
    living = models.PositiveIntegerField(_("在住居民"), default=0)
    moved_out = models.PositiveIntegerField(_("已迁出"), default=0)
    deceased = models.PositiveIntegerField(_("已故"), default=0)
    # Living residents by code: {"registered": 812, "floating": 190}.
    by_residence_type = models.JSONField(_("按户籍类型"), default=dict)
    by_residence_status = models.JSONField(_("按人户状态"), default=dict)
    # The partition AGE_PARTITION only; 60+ is summed when read.
    by_age_group = models.JSONField(_("按年龄段"), default=dict)
    # Living residents by tag id and by grid unit id (string keys, as JSON has them). Sensitive
    # tags are counted too; pages drop what the reader may not see (presenters.visible_tags).
    by_tag = models.JSONField(_("按重点人群"), default=dict)
    by_grid_unit = models.JSONField(_("按网格"), default=dict)
    as_of = models.DateField(_("年龄计算日"))
    computed_at = models.DateTimeField(_("统计时间"))

    # Officials read the district's rows; workers count their own scope live (a grid worker's
    # figures must cover only their grid units, which a whole community's row cannot).
    scope_roles = {VIEW: frozenset({Role.OFFICIAL}), CHANGE: frozenset()}

    class Meta:
        verbose_name = _("人口统计快照")
        verbose_name_plural = _("人口统计快照")

    def __str__(self) -> str:
        return f"{self.community_id} @ {self.computed_at:%Y-%m-%d %H:%M}"

    def age(self, group: str) -> int:
        parts = AGE_SUMS.get(group, (group,))
        return sum(self.by_age_group.get(str(part), 0) for part in parts)

    @classmethod
    def combined(cls, snapshots: Iterable[PopulationSnapshot]) -> PopulationSnapshot:
        """The sum of several communities' rows (a street's subtotal, a district's total), dated
        by the oldest of them: the figures are at least that fresh."""
        total = cls(as_of=None, computed_at=None)
        for snapshot in snapshots:
            for field in ("living", "moved_out", "deceased"):
                setattr(total, field, getattr(total, field) + getattr(snapshot, field))
            for field in BREAKDOWNS:
                mine, theirs = getattr(total, field), getattr(snapshot, field)
                for key, n in theirs.items():
                    mine[key] = mine.get(key, 0) + n
            if total.computed_at is None or snapshot.computed_at < total.computed_at:
                total.computed_at, total.as_of = snapshot.computed_at, snapshot.as_of
        return total


BREAKDOWNS = (
    "by_residence_type",
    "by_residence_status",
    "by_age_group",
    "by_tag",
    "by_grid_unit",
)


def count_population(
    residents: QuerySet[Resident], today: datetime.date | None = None
) -> dict[int, PopulationSnapshot]:
    """Unsaved snapshots of the communities `residents` reach, keyed by community id, in three
    GROUP BY queries however many communities: the figures, the tags, the grid units.

    The one definition of the figures, used both for the stored rows and for the live counts of
    a community's own workers (with `residents` already limited to what they may see)."""
    today = today or timezone.localdate()
    now = timezone.now()
    residents = residents.order_by()

    def living(q: Q) -> Count:
        return Count("pk", filter=LIVING & q)

    columns = {
        "living": Count("pk", filter=LIVING),
        "moved_out": Count("pk", filter=Q(status=Status.MOVED_OUT)),
        "deceased": Count("pk", filter=Q(status=Status.DECEASED)),
        **{f"type:{t}": living(Q(residence_type=t)) for t in ResidenceType},
        **{f"status:{s}": living(Q(residence_status=s)) for s in ResidenceStatus},
        **{f"age:{g}": living(age_group_q(g, today)) for g in AGE_PARTITION},
    }
    snapshots: dict[int, PopulationSnapshot] = {}
    for row in residents.values("community").annotate(**columns):
        snapshots[row["community"]] = PopulationSnapshot(
            community_id=row["community"],
            living=row["living"],
            moved_out=row["moved_out"],
            deceased=row["deceased"],
            by_residence_type={t.value: row[f"type:{t}"] for t in ResidenceType},
            by_residence_status={s.value: row[f"status:{s}"] for s in ResidenceStatus},
            by_age_group={g.value: row[f"age:{g}"] for g in AGE_PARTITION},
            by_tag={},
            by_grid_unit={},
            as_of=today,
            computed_at=now,
        )
    alive = residents.filter(LIVING)
    tagged = Resident.tags.through.objects.filter(resident__in=alive.values("pk"))
    for community_id, tag_id, n in (
        tagged.values_list("resident__community", "residenttag").annotate(n=Count("pk")).order_by()
    ):
        # A resident registered between two of these queries is counted at the next refresh.
        if community_id in snapshots:
            snapshots[community_id].by_tag[str(tag_id)] = n
    for community_id, grid_unit_id, n in alive.values_list(
        "community", "household__building__grid_unit"
    ).annotate(n=Count("pk")):
        if community_id in snapshots:
            snapshots[community_id].by_grid_unit[str(grid_unit_id)] = n
    return snapshots


def refresh_population(community_ids: Iterable[int] | None = None) -> list[PopulationSnapshot]:
    """Recompute and store the snapshots of these communities (all, without ids); idempotent.

    A community without residents gets a row of zeros, so a page never mistakes "not counted
    yet" for "nobody lives here"."""
    communities = Community.objects.order_by("pk")
    if community_ids is not None:
        communities = communities.filter(pk__in=list(community_ids))
    ids = list(communities.values_list("pk", flat=True))
    if not ids:
        return []
    today = timezone.localdate()
    residents = Resident.objects.all()
    if community_ids is not None:
        residents = residents.filter(community__in=ids)
    counted = count_population(residents, today)
    now = timezone.now()
    rows = [
        counted.get(pk)
        or PopulationSnapshot(community_id=pk, as_of=today, computed_at=now, **_empty())
        for pk in ids
    ]
    with transaction.atomic():
        PopulationSnapshot.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["community"],
            update_fields=["living", "moved_out", "deceased", *BREAKDOWNS, "as_of", "computed_at"],
        )
    return rows


def _empty() -> dict[str, dict]:
    return {field: {} for field in BREAKDOWNS}
