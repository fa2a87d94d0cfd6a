"""Hooks this app offers to the apps above it (STYLE.md: a lower app never imports a higher one).

`event_status_changed` is sent inside the transition's transaction, after the new status is saved, with
`event`, `source` and `target` (EventStatus values) and `by`. Receivers that mail or enqueue must do so on
commit (participants.services.reminder_schedule already does).
"""

from __future__ import annotations

from django.dispatch import Signal

event_status_changed = Signal()
