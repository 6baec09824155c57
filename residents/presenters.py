"""Shaping registry rows for pages: the building grid, history lines, tags a user may see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from itertools import pairwise

from django.db import models
from django.utils.translation import gettext_lazy as _

from residents.models import Building, Household, Resident, ResidentTag
from shequ.access import Access
from shequ.models import Role


@dataclass
class GridRow:
    floor: int
    cells: list[list[Household]]  # one list per unit


def floor_of(room: str) -> int | None:
    """301 → 3, 1202 → 12; rooms not numbered by floor (平房, 东侧) have none."""
    match = re.fullmatch(r"(\d{1,3})(\d{2})", room.strip())
    return int(match.group(1)) if match else None


def building_grid(building: Building, households: list[Household]):
    """Floors (top first) × units of a building, each cell the households in that room."""
    units = max([building.units, *[h.unit or 1 for h in households]])
    floors = max([building.floors, *[floor_of(h.room) or 0 for h in households]])
    grid = {floor: [[] for _ in range(units)] for floor in range(1, floors + 1)}
    unplaced = []
    for household in households:
        floor = floor_of(household.room)
        if floor is None or floor < 1:
            unplaced.append(household)
        else:
            grid[floor][(household.unit or 1) - 1].append(household)
    rows = [GridRow(floor, grid[floor]) for floor in sorted(grid, reverse=True)]
    return rows, unplaced


def visible_tags(tags, access: Access) -> list:
    """Sensitive tags are shown only to community staff."""
    if access.is_admin or Role.COMMUNITY_STAFF in access.roles:
        return list(tags)
    return [tag for tag in tags if not tag.sensitive]


def load_tags(residents: list[Resident], access: Access) -> None:
    """Give each resident of a page `shown_tags`, the tags the user may see, and
    `has_hidden_tags`, from one query of plain values: prefetching built a manager and a model
    per row and tag, 6 of the resident list's 40 ms."""
    pairs = (
        Resident.tags.through.objects.filter(resident_id__in=[r.pk for r in residents])
        .order_by("residenttag__order", "residenttag_id")
        .values_list(
            "resident_id", "residenttag_id", "residenttag__name", "residenttag__sensitive",
            "residenttag__visit_every_days",
        )
    )  # fmt: skip
    tags: dict[int, ResidentTag] = {}
    by_resident: dict[int, list[ResidentTag]] = {}
    for resident_id, pk, name, sensitive, days in pairs:
        if pk not in tags:
            tags[pk] = ResidentTag(pk=pk, name=name, sensitive=sensitive, visit_every_days=days)
        by_resident.setdefault(resident_id, []).append(tags[pk])
    for resident in residents:
        all_tags = by_resident.get(resident.pk, [])
        resident.shown_tags = visible_tags(all_tags, access)
        resident.has_hidden_tags = len(resident.shown_tags) < len(all_tags)


UNSEEN = _("（无权查看）")


@dataclass
class FieldChange:
    """One field's change: old → new, or for a many-to-many field the names added and removed."""

    label: str
    old: object = None
    new: object = None
    added: list[str] = dataclass_field(default_factory=list)
    removed: list[str] = dataclass_field(default_factory=list)

    @property
    def is_set(self) -> bool:
        return bool(self.added or self.removed)


@dataclass
class HistoryRow:
    when: object
    who: object
    kind: str
    changes: list[FieldChange]
    reason: str = ""


def history_rows(obj: models.Model, access: Access, limit: int = 20) -> list[HistoryRow]:
    """Who changed what and when, newest first, as a person reads it: field labels, choice
    labels, the names of related rows the user may see and the tags added or removed. Names are
    fetched in one query per related model for the whole page."""
    records = list(obj.history.select_related("history_user")[: limit + 1])
    history_model = obj.history.model
    m2m_fields = list(getattr(history_model, "_history_m2m_fields", []))
    m2m_members = {f.name: _m2m_members(history_model, f, records) for f in m2m_fields}
    raw: list[tuple[object, list[tuple[models.Field, object, object]]]] = []
    for record, previous in pairwise([*records, None]):
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=list(m2m_members))
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                if field.editable or field.name.endswith("_masked"):
                    changes.append((field, change.old, change.new))
            for field in m2m_fields:
                members = m2m_members[field.name]
                old = members.get(previous.history_id, set())
                new = members.get(record.history_id, set())
                if old != new:
                    changes.append((field, old, new))
        raw.append((record, changes))
    names = _related_names(raw, access)
    rows = []
    for record, changes in raw:
        kind = {"+": "登记", "~": "修改", "-": "删除"}[record.history_type]
        if kind == "修改" and not changes:
            continue
        shown = [_shown(field, old, new, names) for field, old, new in changes]
        reason = record.history_change_reason or ""
        rows.append(HistoryRow(record.history_date, record.history_user, kind, shown, reason))
    return rows[:limit]


def _m2m_members(history_model, field: models.ManyToManyField, records) -> dict[int, set[int]]:
    """Each history record's related ids, for all the records in one query."""
    m2m_history = getattr(history_model, field.name).model
    target = f"{field.m2m_reverse_field_name()}_id"
    members: dict[int, set[int]] = {}
    rows = m2m_history.objects.filter(history_id__in=[r.history_id for r in records])
    for history_id, related_id in rows.values_list("history_id", target):
        members.setdefault(history_id, set()).add(related_id)
    return members


def _related_names(raw, access: Access) -> dict[type, dict[int, str]]:
    """The names of every related row the page mentions that the user may see, by model."""
    wanted: dict[type, set[int]] = {}
    for _record, changes in raw:
        for field, old, new in changes:
            if field.is_relation:
                ids = (old | new) if field.many_to_many else {old, new}
                wanted.setdefault(field.related_model, set()).update(ids - {None})
    names = {}
    for model, ids in wanted.items():
        rows = model._default_manager.filter(pk__in=ids)
        if hasattr(rows, "visible_to"):
            rows = rows.visible_to(access.user).select_related()
        visible = visible_tags(rows, access) if model is ResidentTag else rows
        names[model] = {row.pk: str(row) for row in visible}
    return names


def _shown(field: models.Field, old, new, names: dict[type, dict[int, str]]) -> FieldChange:
    label = field.verbose_name
    if field.many_to_many:
        known = names.get(field.related_model, {})
        added = sorted(known.get(pk, str(UNSEEN)) for pk in new - old)
        removed = sorted(known.get(pk, str(UNSEEN)) for pk in old - new)
        return FieldChange(label, added=added, removed=removed)

    def display(value):
        if value is None or value == "":
            return None
        if field.is_relation:
            return names.get(field.related_model, {}).get(value, UNSEEN)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return value

    return FieldChange(label, display(old), display(new))
