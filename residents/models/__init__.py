from residents.models.fieldwork import FieldLogComment, FieldLogEntry, Visit
from residents.models.people import Resident, ResidentTag
from residents.models.places import Building, Household
from residents.models.snapshot import PopulationSnapshot

__all__ = [
    "Building",
    "FieldLogComment",
    "FieldLogEntry",
    "Household",
    "PopulationSnapshot",
    "Resident",
    "ResidentTag",
    "Visit",
]
