from residents.models.fieldwork import FieldLogComment, FieldLogEntry, Visit
from residents.models.people import Resident, ResidentTag
from residents.models.places import Building, Household

__all__ = [
    "Building",
    "FieldLogComment",
    "FieldLogEntry",
    "Household",
    "Resident",
    "ResidentTag",
    "Visit",
]
