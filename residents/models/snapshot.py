"""Counts kept per community, so officials read a district's figures without scanning residents.

`PopulationSnapshot` is the first of the snapshots officials' pages read instead of scanning
live tables across a district: one row per community, computed set-based across all communities
by a Celery task (beat, hourly) and again for one community soon after its residents change,
with `computed_at` shown on the page. The assessment dashboards follow the same shape: a row per
community (and period), a `refresh_*` function that computes any number of communities in a
fixed number of GROUP BY queries and upserts them (idempotent), a thin task, and an on-change
hook that enqueues after commit, once per transaction.

Fixed figures are integer columns (one per status, residence type, residence status and age
group of the partition): a district's thousand rows then load without decoding, and sum and sort
as plain numbers. Tags and grid units are open-ended sets (administrators add tags, communities
add grid units), which columns would turn into a migration each, so they are JSON objects keyed
by id; the district page defers the grid units, which only a chosen community shows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from residents.choices import AGE_SUMS, AgeGroup, ResidenceStatus, ResidenceType, Status
from residents.models.people import Resident, age_group_q
from shequ.models import Community, Role, ScopedModel
from shequ.models.scoping import CHANGE, VIEW

LIVING = Q(status=Status.LIVING)


# The column of each coded value; a new choice needs its column (tests check every one has).
TYPE_FIELDS = {
    ResidenceType.REGISTERED: "type_registered",
    ResidenceType.FLOATING: "type_floating",
}
STATUS_FIELDS = {
    ResidenceStatus.PRESENT: "status_present",
    ResidenceStatus.REGISTERED_ABSENT: "status_registered_absent",
    ResidenceStatus.LIVING_UNREGISTERED: "status_living_unregistered",
    ResidenceStatus.NOMINAL: "status_nominal",
}
AGE_FIELDS = {
    AgeGroup.PRESCHOOL: "age_0_6",
    AgeGroup.SCHOOL: "age_7_17",
    AgeGroup.WORKING: "age_18_59",
    AgeGroup.OLDER: "age_60_79",
    AgeGroup.VERY_OLD: "age_80_plus",
}
COUNTS = (
    "living",
    "moved_out",
    "deceased",
    *TYPE_FIELDS.values(),
    *STATUS_FIELDS.values(),
    *AGE_FIELDS.values(),
)
BREAKDOWNS = ("by_tag", "by_grid_unit")


def _count(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, default=0)


class PopulationSnapshot(ScopedModel):
    community = models.OneToOneField(
        Community,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="population",
        verbose_name=_("社区"),
    )
    living = _count(_("在住居民"))
    moved_out = _count(_("已迁出"))
    deceased = _count(_("已故"))
    # Living residents only, from here on.
    type_registered = _count(_("户籍"))
    type_floating = _count(_("流动"))
    status_present = _count(_("人户同在"))
    status_registered_absent = _count(_("户在人不在"))
    status_living_unregistered = _count(_("人在户不在"))
    status_nominal = _count(_("空挂户"))
    # The partition AGE_PARTITION; 60+ is their sum, added when read.
    age_0_6 = _count(_("0–6 岁"))
    age_7_17 = _count(_("7–17 岁"))
    age_18_59 = _count(_("18–59 岁"))
    age_60_79 = _count(_("60–79 岁"))
    age_80_plus = _count(_("80 岁及以上"))
    # By tag id and by grid unit id (string keys, as JSON has them). Sensitive tags are counted
    # too; pages drop what the reader may not see (presenters.visible_tags).
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
        return sum(getattr(self, AGE_FIELDS[part]) for part in AGE_SUMS.get(group, (group,)))

    @classmethod
    def combined(cls, snapshots: Iterable[PopulationSnapshot]) -> PopulationSnapshot:
        """The sum of several communities' rows (a street's subtotal, a district's total), dated
        by the oldest of them: the figures are at least that fresh."""
        total = cls(as_of=None, computed_at=None)
        for snapshot in snapshots:
            for field in COUNTS:
                setattr(total, field, getattr(total, field) + getattr(snapshot, field))
            for field in BREAKDOWNS:
                if field not in snapshot.__dict__:  # deferred: the page does not show it
                    continue
                mine = getattr(total, field)
                for key, n in getattr(snapshot, field).items():
                    mine[key] = mine.get(key, 0) + n
            if total.computed_at is None or snapshot.computed_at < total.computed_at:
                total.computed_at, total.as_of = snapshot.computed_at, snapshot.as_of
        return total


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
        **{f: living(Q(residence_type=t)) for t, f in TYPE_FIELDS.items()},
        **{f: living(Q(residence_status=s)) for s, f in STATUS_FIELDS.items()},
        **{f: living(age_group_q(g, today)) for g, f in AGE_FIELDS.items()},
    }
    snapshots: dict[int, PopulationSnapshot] = {}
    for row in residents.values("community").annotate(**columns):
        snapshots[row["community"]] = PopulationSnapshot(
            community_id=row["community"],
            **{field: row[field] for field in COUNTS},
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
        counted.get(pk) or PopulationSnapshot(community_id=pk, as_of=today, computed_at=now)
        for pk in ids
    ]
    with transaction.atomic():
        PopulationSnapshot.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["community"],
            update_fields=[*COUNTS, *BREAKDOWNS, "as_of", "computed_at"],
        )
    return rows
