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
    "CommunityScore",
    "Indicator",
    "IndicatorScore",
    "Inspection",
    "Scheme",
    "ScoringRun",
]
