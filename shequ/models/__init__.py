from shequ.models.accounts import RoleAssignment, User
from shequ.models.audit import AccessLog, TaskRun
from shequ.models.hierarchy import Community, Department, District, GridUnit, Street
from shequ.models.outbox import OutboxMessage
from shequ.models.roles import STAFF_ROLES, Role
from shequ.models.scoping import ScopedModel, ScopedQuerySet

__all__ = [
    "STAFF_ROLES",
    "AccessLog",
    "Community",
    "Department",
    "District",
    "GridUnit",
    "OutboxMessage",
    "Role",
    "RoleAssignment",
    "ScopedModel",
    "ScopedQuerySet",
    "Street",
    "TaskRun",
    "User",
]
