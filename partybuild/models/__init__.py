from partybuild.models.dues import DuesBasis, DuesMonth
from partybuild.models.fieldwork import (
    CommunityNeed,
    FourOnesRecord,
    Pairing,
    PairingVisit,
    ServiceHours,
)
from partybuild.models.meetings import (
    Attendance,
    ComplianceExemption,
    ComplianceRule,
    MeetingAttachment,
    OrganizationalLife,
)
from partybuild.models.members import LetterCounter, MemberEvent, PartyMember
from partybuild.models.organization import OrganizationPost, PartyOrganization
from partybuild.models.stats import ComplianceQuarter

__all__ = [
    "Attendance",
    "CommunityNeed",
    "ComplianceExemption",
    "ComplianceQuarter",
    "ComplianceRule",
    "DuesBasis",
    "DuesMonth",
    "FourOnesRecord",
    "LetterCounter",
    "MeetingAttachment",
    "MemberEvent",
    "OrganizationPost",
    "OrganizationalLife",
    "Pairing",
    "PairingVisit",
    "PartyMember",
    "PartyOrganization",
    "ServiceHours",
]
