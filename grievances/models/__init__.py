from grievances.models.api_keys import ApiKey
from grievances.models.cases import Grievance, GrievanceEvent, RegisterCounter
from grievances.models.catalogue import CalendarDay, Category
from grievances.models.mediation import Mediation, MediationSession, Party
from grievances.models.photos import Photo
from grievances.models.stats import GrievanceBreakdown, GrievanceMonth

__all__ = [
    "ApiKey",
    "CalendarDay",
    "Category",
    "Grievance",
    "GrievanceBreakdown",
    "GrievanceEvent",
    "GrievanceMonth",
    "Mediation",
    "MediationSession",
    "Party",
    "Photo",
    "RegisterCounter",
]
