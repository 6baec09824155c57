from grievances.models.api_keys import ApiKey
from grievances.models.cases import Grievance, GrievanceEvent, RegisterCounter
from grievances.models.catalogue import CalendarDay, Category

__all__ = ["ApiKey", "CalendarDay", "Category", "Grievance", "GrievanceEvent", "RegisterCounter"]
