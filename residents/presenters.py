"""Shaping registry rows for pages: the building grid, history lines, tags a user may see."""

from __future__ import annotations

import re
from dataclasses import dataclass

from residents.models import Building, Household
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


@dataclass
class HistoryRow:
    when: object
    who: object
    kind: str
    changes: list[tuple[str, object, object]]


def history_rows(obj, limit: int = 20) -> list[HistoryRow]:
    """Who changed what and when, newest first, with field labels instead of column names."""
    records = list(obj.history.select_related("history_user")[: limit + 1])
    rows = []
    # Rows loaded in bulk (the city generator, a legacy migration) have no history at all.
    previous_records = [*records[1:], None] if records else []
    for record, previous in zip(records, previous_records, strict=True):
        changes = []
        if previous is not None:
            for change in record.diff_against(previous).changes:
                field = obj._meta.get_field(change.field)
                if field.editable or field.name.endswith("_masked"):
                    changes.append((field.verbose_name, change.old, change.new))
        kind = {"+": "登记", "~": "修改", "-": "删除"}[record.history_type]
        if kind == "修改" and not changes:
            continue
        rows.append(HistoryRow(record.history_date, record.history_user, kind, changes))
    return rows[:limit]
