from partybuild.models.dues import DuesBasis, DuesMonth
from partybuild.models.meetings import (
    Attendance,
    ComplianceExemption,
    ComplianceRule,
    MeetingAttachment,
    OrganizationalLife,
)
from partybuild.models.members import LetterCounter, MemberEvent, PartyMember
from partybuild.models.organization import OrganizationPost, PartyOrganization

__all__ = [
    "Attendance",
    "ComplianceExemption",
    "ComplianceRule",
    "DuesBasis",
    "DuesMonth",
    "LetterCounter",
    "MeetingAttachment",
    "MemberEvent",
    "OrganizationPost",
    "OrganizationalLife",
    "PartyMember",
    "PartyOrganization",
]
