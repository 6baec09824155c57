from assessments.models.appeals import Appeal, EvidencePhoto, StreetReview
from assessments.models.civility import CivilityAward, FourNoRecord
from assessments.models.figures import AreaFigures
from assessments.models.schemes import Indicator, Scheme
from assessments.models.scores import (
    AssessmentMonth,
    CommunityScore,
    IndicatorScore,
    Inspection,
    ScoringRun,
)

__all__ = [
    "Appeal",
    "AreaFigures",
    "AssessmentMonth",
    "CivilityAward",
    "CommunityScore",
    "EvidencePhoto",
    "FourNoRecord",
    "Indicator",
    "IndicatorScore",
    "Inspection",
    "Scheme",
    "ScoringRun",
    "StreetReview",
]
