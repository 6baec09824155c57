from volunteers.models.activities import Activity, ActivityTemplate, SignUp
from volunteers.models.people import Team, TeamMeeting, TeamMembership, Volunteer
from volunteers.models.records import Certificate, ServiceRecord, StarLevel, StarReached

__all__ = [
    "Activity",
    "ActivityTemplate",
    "Certificate",
    "ServiceRecord",
    "SignUp",
    "StarLevel",
    "StarReached",
    "Team",
    "TeamMeeting",
    "TeamMembership",
    "Volunteer",
]
