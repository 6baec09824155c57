from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    GRID_WORKER = "grid_worker", _("网格员")
    PARTY_WORKER = "party_worker", _("党务工作者")
    OFFICIAL = "official", _("街道/区级领导")
    RESIDENT = "resident", _("居民")
    DEPARTMENT_HANDLER = "department_handler", _("职能部门经办人")


# The level of the hierarchy each role is scoped to; officials may sit at either level.
ROLE_SCOPE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.COMMUNITY_STAFF: ("community",),
    Role.PARTY_WORKER: ("community",),
    Role.RESIDENT: ("community",),
    Role.GRID_WORKER: ("grid_unit",),
    Role.OFFICIAL: ("street", "district"),
    Role.DEPARTMENT_HANDLER: ("department",),
}
# A department is not a place: its handlers reach only the rows escalated to it (the second axis
# of scoping, `ScopedModel.scope_department`).
SCOPE_LEVELS = ("district", "street", "community", "grid_unit", "department")

STAFF_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.PARTY_WORKER, Role.OFFICIAL})
