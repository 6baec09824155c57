"""What the signed-in user is: their role assignments, loaded once per request."""

from __future__ import annotations

from functools import cached_property

from shequ.models import STAFF_ROLES, Role, RoleAssignment, User


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
        return frozenset(a.role for a in self.assignments)

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
