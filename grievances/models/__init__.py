from grievances.models.cases import Grievance, GrievanceEvent, RegisterCounter
from grievances.models.catalogue import CalendarDay, Category
from grievances.models.photos import Photo

__all__ = ["CalendarDay", "Category", "Grievance", "GrievanceEvent", "Photo", "RegisterCounter"]
