"""What the signed-in user is, for navigation: their roles, read once per request and only when a
page asks. The labelled assignments (district / street / community / grid unit names) are loaded
only by the pages that show them, the home page."""

from __future__ import annotations

from functools import cached_property

from shequ.models import STAFF_ROLES, Role, RoleAssignment, User
from shequ.models.scoping import roles_of


class Access:
    def __init__(self, user: User) -> None:
        self.user = user

    @cached_property
    def assignments(self) -> list[RoleAssignment]:
        if not self.user.is_authenticated:
            return []
        return list(
            self.user.role_assignments.select_related(
                "district",
                "street__district",
                "community__street__district",
                "grid_unit__community__street__district",
            )
        )

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.user.is_authenticated:
            return frozenset()
        return roles_of(self.user)

    @property
    def is_admin(self) -> bool:
        return self.user.is_authenticated and self.user.is_superuser

    @property
    def is_staff(self) -> bool:
        return self.is_admin or bool(self.roles & STAFF_ROLES)

    @property
    def is_official(self) -> bool:
        return Role.OFFICIAL in self.roles

    @property
    def is_community_worker(self) -> bool:
        return bool(self.roles & {Role.COMMUNITY_STAFF, Role.PARTY_WORKER, Role.GRID_WORKER})

    @property
    def is_resident(self) -> bool:
        return Role.RESIDENT in self.roles
