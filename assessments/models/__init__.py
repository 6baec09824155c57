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
    "AreaFigures",
    "AssessmentMonth",
    "CommunityScore",
    "Indicator",
    "IndicatorScore",
    "Inspection",
    "Scheme",
    "ScoringRun",
]
