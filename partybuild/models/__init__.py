from partybuild.models.members import LetterCounter, MemberEvent, PartyMember
from partybuild.models.organization import OrganizationPost, PartyOrganization

__all__ = [
    "LetterCounter",
    "MemberEvent",
    "OrganizationPost",
    "PartyMember",
    "PartyOrganization",
]
