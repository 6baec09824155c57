"""The one answer to "which rows may this user see or change".

Every domain model derives from ScopedModel and says where its community (and, for rows that
belong to a grid unit, its grid unit) is. `Model.objects.visible_to(user, action)` turns the
user's role assignments into a single SQL filter of subqueries, so scoping costs no extra
round trips and never loads ids into Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.db.models import Q

from shequ.models.roles import STAFF_ROLES, Role

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
        # Only the branches the user's roles need: an OR with an empty branch would keep
        # PostgreSQL from using the community index (a sequential scan at a million rows).
        roles = self.model.scope_roles[action] & {role for role, _ in held_by(user)}
        if not roles:
            return self.none()
        return self.filter(self.model.scope_filter(user, roles))


class ScopedModel(models.Model):
    """Base of every row that belongs to a community."""

    # Lookup path from this model to its Community and, where it has one, its GridUnit.
    scope_community: ClassVar[str] = "community"
    scope_grid_unit: ClassVar[str | None] = None
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
        q = Q()
        if roles - {Role.GRID_WORKER}:
            q |= Q(**{f"{cls.scope_community}__in": communities_assigned(user, roles)})
        if Role.GRID_WORKER in roles:
            grid_units = grid_units_assigned(user)
            if cls.scope_grid_unit:
                q |= Q(**{f"{cls.scope_grid_unit}__in": grid_units})
            else:
                from shequ.models.hierarchy import GridUnit

                grid_communities = GridUnit.objects.filter(pk__in=grid_units).values("community")
                q |= Q(**{f"{cls.scope_community}__in": grid_communities})
        return q


def held_by(user: User) -> frozenset[tuple[str, str]]:
    """The (role, scope level) pairs a user holds, read once per user object (once a request).

    The filters below are built only from these, because PostgreSQL plans an OR of subqueries
    blind: an empty "street" or "grid unit" branch beside a user's one community made it walk
    every resident of the city instead of using the community index.
    """
    if not hasattr(user, "_held"):
        from shequ.models.accounts import RoleAssignment

        rows = RoleAssignment.objects.filter(user=user).values_list(
            "role", "district", "street", "community", "grid_unit"
        )
        levels = ("district", "street", "community", "grid_unit")
        user._held = frozenset(
            (role, next(level for level, pk in zip(levels, scope, strict=True) if pk))
            for role, *scope in rows
        )
    return user._held


def roles_of(user: User) -> frozenset[str]:
    return frozenset(role for role, _ in held_by(user))


def assignments(user: User, roles: frozenset[str]) -> models.QuerySet:
    from shequ.models.accounts import RoleAssignment

    return RoleAssignment.objects.filter(user=user, role__in=roles)


def communities_assigned(user: User, roles: frozenset[str]) -> models.QuerySet:
    """Ids of communities a user reaches through community-, street- or district-wide roles."""
    from shequ.models.hierarchy import Community

    wide_roles = roles - {Role.GRID_WORKER}
    wide = assignments(user, wide_roles)
    levels = {level for role, level in held_by(user) if role in wide_roles}
    if levels == {"community"}:
        # The everyday case, a community's own staff: their assignments name the communities.
        return wide.values("community")
    q = Q(pk__in=[])
    if "community" in levels:
        q |= Q(pk__in=wide.filter(community__isnull=False).values("community"))
    if "street" in levels:
        q |= Q(street__in=wide.filter(street__isnull=False).values("street"))
    if "district" in levels:
        q |= Q(street__district__in=wide.filter(district__isnull=False).values("district"))
    return Community.objects.filter(q).values("pk")


def grid_units_assigned(user: User) -> models.QuerySet:
    return assignments(user, frozenset({Role.GRID_WORKER})).values("grid_unit")
