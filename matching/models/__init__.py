"""matching's models: timetables and the event day (timetables.py); what follows the event (followup.py); the
statistics' stored summary of the interviews (statistics.py)."""

from .fit import FitMailOptOut
from .followup import (
    AgreementVisit,
    InterviewResult,
    SecondInterview,
    SupportAgreement,
    SurveyResponse,
)
from .statistics import MeetingFigure
from .timetables import Attendance, Timetable, TimetableMeeting

__all__ = [
    "AgreementVisit",
    "Attendance",
    "FitMailOptOut",
    "InterviewResult",
    "MeetingFigure",
    "SecondInterview",
    "SupportAgreement",
    "SurveyResponse",
    "Timetable",
    "TimetableMeeting",
]
