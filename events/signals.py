"""Hooks this app offers to the apps above it (STYLE.md: a lower app never imports a higher one).

`event_status_changed` is sent inside the transition's transaction, after the new status is saved, with
`event`, `source` and `target` (EventStatus values) and `by`. Receivers that mail or enqueue must do so on
commit (participants.services.reminder_schedule already does).

`hearing_issues_replaced` is sent inside events.services.hearings.hearing_sheet_update's transaction, after
the sheet's issues have been replaced, with `enrolment` (its EventCompany) and `by`: whatever is derived from
the issue categories (the statistics' stored summary) is rebuilt there, in the same transaction.
"""

from __future__ import annotations

from django.dispatch import Signal

event_status_changed = Signal()
hearing_issues_replaced = Signal()
