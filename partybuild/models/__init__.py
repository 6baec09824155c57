from partybuild.models.dues import DuesBasis, DuesMonth
from partybuild.models.members import LetterCounter, MemberEvent, PartyMember
from partybuild.models.organization import OrganizationPost, PartyOrganization

__all__ = [
    "DuesBasis",
    "DuesMonth",
    "LetterCounter",
    "MemberEvent",
    "OrganizationPost",
    "PartyMember",
    "PartyOrganization",
]
