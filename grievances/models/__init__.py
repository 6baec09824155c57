from grievances.models.cases import Grievance, GrievanceEvent, RegisterCounter
from grievances.models.catalogue import CalendarDay, Category

__all__ = ["CalendarDay", "Category", "Grievance", "GrievanceEvent", "RegisterCounter"]
