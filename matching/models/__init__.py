"""matching's models: timetables and the event day (timetables.py); what follows the event (followup.py)."""

from .fit import FitMailOptOut
from .followup import (
    AgreementVisit,
    InterviewResult,
    SecondInterview,
    SupportAgreement,
    SurveyResponse,
)
from .timetables import Attendance, Timetable, TimetableMeeting

__all__ = [
    "AgreementVisit",
    "Attendance",
    "FitMailOptOut",
    "InterviewResult",
    "SecondInterview",
    "SupportAgreement",
    "SurveyResponse",
    "Timetable",
    "TimetableMeeting",
]
