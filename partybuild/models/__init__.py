from partybuild.models.fieldwork import (
    CommunityNeed,
    FourOnesRecord,
    Pairing,
    PairingVisit,
    ServiceHours,
)
from partybuild.models.members import LetterCounter, MemberEvent, PartyMember
from partybuild.models.organization import OrganizationPost, PartyOrganization

__all__ = [
    "CommunityNeed",
    "FourOnesRecord",
    "LetterCounter",
    "MemberEvent",
    "OrganizationPost",
    "Pairing",
    "PairingVisit",
    "PartyMember",
    "PartyOrganization",
    "ServiceHours",
]
