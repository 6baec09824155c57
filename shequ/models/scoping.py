"""The one answer to "which rows may this user see or change".

Every domain model derives from ScopedModel and says where its community (and, for rows that
belong to a grid unit, its grid unit) is. `Model.objects.visible_to(user, action)` filters by the
ids the user's role assignments reach, resolved once per request (`scope_of`) into plain lists:
`community_id IN (17)` rather than a subquery of role assignments. PostgreSQL then plans with
exact estimates and walks a community's own index in the list's order, so a page costs the same
in the last community of a city as in the first, and nothing is planned twice per request. An
official's street or district stays one id, in a subquery of the hierarchy (`Scope.communities`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.db.models import Q

from shequ.models.roles import SCOPE_LEVELS, STAFF_ROLES, Role

if TYPE_CHECKING:
    from shequ.models.accounts import User

VIEW = "view"
CHANGE = "change"


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user: User, action: str = VIEW) -> ScopedQuerySet:
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.is_superuser:
            return self
        roles = self.model.scope_roles[action] & scope_of(user).roles
        if not roles:
            return self.none()
        return self.filter(self.model.scope_filter(user, roles))


class ScopedModel(models.Model):
    """Base of every row that belongs to a community."""

    # Lookup path from this model to its Community and, where it has one, its GridUnit.
    scope_community: ClassVar[str] = "community"
    scope_grid_unit: ClassVar[str | None] = None
    # Lookup path to the Department a row is escalated to, for rows a department's handlers see.
    scope_department: ClassVar[str | None] = None
    # For rows that belong to a whole district (its assessment scheme and months): the path to
    # the District. Everyone whose scope reaches into the district sees them.
    scope_district: ClassVar[str | None] = None
    # For rows about one person who may sign in as a resident (their own party file, the
    # meetings they were at): the path to that person's User. A resident sees only such rows,
    # and only in the communities they are a resident of.
    scope_account: ClassVar[str | None] = None
    # For rows a community shows all its residents (the activity calendar): a resident sees
    # every such row of the communities they are a resident of.
    scope_public_to_residents: ClassVar[bool] = False
    # Which roles may see and which may change rows of this model. Officials read; community
    # staff keep the data. Superusers (system administrators) pass every check.
    scope_roles: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: STAFF_ROLES,
        CHANGE: frozenset({Role.COMMUNITY_STAFF}),
    }

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, user: User, roles: frozenset[str]) -> Q:
        if cls.scope_district:
            from shequ.models.hierarchy import District

            reached = District.objects.filter(District.scope_filter(user, roles)).values("pk")
            return Q(**{f"{cls.scope_district}__in": reached})
        scope = scope_of(user)
        q = Q(pk__in=[])  # no branch, no rows; PostgreSQL never sees it beside a real branch
        if roles - {Role.GRID_WORKER, Role.DEPARTMENT_HANDLER, Role.RESIDENT}:
            wide = roles - {Role.RESIDENT}
            q |= Q(**{f"{cls.scope_community}__in": scope.communities(wide)})
        if Role.RESIDENT in roles and (cls.scope_account or cls.scope_public_to_residents):
            communities = sorted(scope.ids(frozenset({Role.RESIDENT}), "community"))
            own = {} if cls.scope_public_to_residents else {cls.scope_account: user.pk}
            q |= Q(**own, **{f"{cls.scope_community}__in": communities})
        if Role.DEPARTMENT_HANDLER in roles and cls.scope_department:
            departments = scope.ids(frozenset({Role.DEPARTMENT_HANDLER}), "department")
            q |= Q(**{f"{cls.scope_department}__in": sorted(departments)})
        # A grid worker who is also staff of the grid's community needs no second branch, and an
        # OR of two branches would keep PostgreSQL from walking the community's index alone.
        if Role.GRID_WORKER in roles and not scope.grid_communities <= scope.ids(
            roles - {Role.GRID_WORKER, Role.RESIDENT}, "community"
        ):
            if cls.scope_grid_unit:
                q |= Q(**{f"{cls.scope_grid_unit}__in": sorted(scope.grid_units)})
            else:
                q |= Q(**{f"{cls.scope_community}__in": sorted(scope.grid_communities)})
        return q


@dataclass
class Scope:
    """What a user's role assignments reach, as ids, read with one query (each grid unit with its
    community). Navigation asks only for `roles`; a page that lists nothing pays only that."""

    # role -> scope level -> ids assigned at that level
    assigned: dict[str, dict[str, frozenset[int]]] = field(default_factory=dict)
    grid_communities: frozenset[int] = frozenset()

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.assigned)

    @property
    def held(self) -> frozenset[tuple[str, str]]:
        return frozenset(
            (role, level) for role, levels in self.assigned.items() for level in levels
        )

    @property
    def grid_units(self) -> frozenset[int]:
        return self.ids(frozenset({Role.GRID_WORKER}), "grid_unit")

    @property
    def several_communities(self) -> bool:
        """Whether the user reaches rows of more than one community, so that lists say which
        community each row is in and offer to filter by it."""
        levels = {level for _role, level in self.held}
        if levels & {"street", "district", "department"}:
            return True
        return len(self.ids(self.roles, "community") | self.grid_communities) > 1

    def ids(self, roles: frozenset[str], level: str) -> frozenset[int]:
        """The ids these roles are assigned at one level, as assigned (not expanded)."""
        return frozenset().union(*(self.assigned.get(role, {}).get(level, ()) for role in roles))

    def communities(self, roles: frozenset[str]) -> list[int] | models.QuerySet:
        """The communities these roles' community-, street- or district-wide assignments reach
        (a grid worker's reach is `grid_units`, or `grid_communities`): their ids, or for a street
        or a district, a subquery of the hierarchy by the street's or district's id. Its hundreds
        of communities would cost more to send and plan as literals (38 ms against 13 ms a query
        for a district of 1,000), and PostgreSQL estimates the subquery from the tables' own
        statistics, as it never could a subquery of role assignments."""
        wide = roles - {Role.GRID_WORKER}
        communities = sorted(self.ids(wide, "community"))
        streets, districts = sorted(self.ids(wide, "street")), sorted(self.ids(wide, "district"))
        if not (streets or districts):
            return communities
        from shequ.models.hierarchy import Community

        below = Q(pk__in=communities) | Q(street__in=streets) | Q(street__district__in=districts)
        return Community.objects.filter(below).values("pk")


def scope_of(user: User) -> Scope:
    """The user's scope, read once per user object: once a request, since each request loads
    its user afresh; `shequ.signals` drops it when an assignment of that object changes."""
    if not hasattr(user, "_scope"):
        user._scope = _resolve(user) if user.is_authenticated else Scope()
    return user._scope


def _resolve(user: User) -> Scope:
    from shequ.models.accounts import RoleAssignment

    rows = (
        RoleAssignment.objects.filter(user_id=user.pk)
        .values_list("role", *(f"{level}_id" for level in SCOPE_LEVELS), "grid_unit__community_id")
        .order_by()
    )
    assigned: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    grid_communities = set()
    for role, *scope, grid_community in rows:
        level, pk = next((lv, pk) for lv, pk in zip(SCOPE_LEVELS, scope, strict=True) if pk)
        assigned[role][level].add(pk)
        if grid_community:
            grid_communities.add(grid_community)
    return Scope(
        assigned={
            role: {level: frozenset(ids) for level, ids in levels.items()}
            for role, levels in assigned.items()
        },
        grid_communities=frozenset(grid_communities),
    )


def forget_scope(user: User) -> None:
    user.__dict__.pop("_scope", None)


def held_by(user: User) -> frozenset[tuple[str, str]]:
    """The (role, scope level) pairs a user holds."""
    return scope_of(user).held


def roles_of(user: User) -> frozenset[str]:
    return scope_of(user).roles
