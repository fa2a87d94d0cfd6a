"""Services of the matching app, one module per area; re-exported here."""

from .build import (
    TIMETABLE_BUILD_STATUSES,
    TimetableEditError,
    TimetableStateError,
    timetable_create,
    timetable_meeting_add,
    timetable_meeting_move,
    timetable_meeting_pin,
    timetable_meeting_remove,
    timetable_meeting_swap,
    timetable_solve,
)
from .eventday import (
    AttendanceError,
    attendance_check_in,
    attendance_mark_no_show,
    attendance_set_rounds,
    attendance_set_standby,
    attendance_undo,
    walk_in_add,
)
from .printing import (
    PRINT_SHEETS,
    timetable_print_pdf,
    timetable_print_xlsx,
)
from .publish import (
    TimetablePublishError,
    personal_schedule_send,
    personal_schedules_send,
    timetable_publish,
)
from .repair import (
    REPAIR_EVENT_STATUSES,
    timetable_repair,
)

__all__ = [
    "PRINT_SHEETS",
    "REPAIR_EVENT_STATUSES",
    "TIMETABLE_BUILD_STATUSES",
    "AttendanceError",
    "TimetableEditError",
    "TimetablePublishError",
    "TimetableStateError",
    "attendance_check_in",
    "attendance_mark_no_show",
    "attendance_set_rounds",
    "attendance_set_standby",
    "attendance_undo",
    "personal_schedule_send",
    "personal_schedules_send",
    "timetable_create",
    "timetable_meeting_add",
    "timetable_meeting_move",
    "timetable_meeting_pin",
    "timetable_meeting_remove",
    "timetable_meeting_swap",
    "timetable_print_pdf",
    "timetable_print_xlsx",
    "timetable_publish",
    "timetable_repair",
    "timetable_solve",
    "walk_in_add",
]
