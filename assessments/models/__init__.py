from assessments.models.civility import CivilityAward, FourNoRecord
from assessments.models.schemes import Indicator, Scheme
from assessments.models.scores import (
    AssessmentMonth,
    CommunityScore,
    IndicatorScore,
    Inspection,
    ScoringRun,
)

__all__ = [
    "AssessmentMonth",
    "CivilityAward",
    "CommunityScore",
    "FourNoRecord",
    "Indicator",
    "IndicatorScore",
    "Inspection",
    "Scheme",
    "ScoringRun",
]
