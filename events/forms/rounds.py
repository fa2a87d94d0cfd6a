"""The arrival and leaving rounds of a participant (a senior's application, a company's table), chosen as
the rounds' clock times: people think in times, not in round numbers. Empty means the whole event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def add_round_fields(
    form: forms.Form,
    slot_times: Sequence[tuple[dt.time, dt.time]],
    *,
    arrival_label: Any,
    leaving_label: Any,
    from_first: Any,
    to_last: Any,
    help_text: Any = "",
) -> None:
    """Add `arrival_slot` and `leaving_slot` (0-based rounds, or None) to `form`."""
    form.fields["arrival_slot"] = forms.TypedChoiceField(
        label=arrival_label,
        choices=[("", from_first)]
        + [(str(i), _("%(time)s の回から") % {"time": f"{start:%H:%M}"}) for i, (start, _end) in enumerate(slot_times)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    form.fields["leaving_slot"] = forms.TypedChoiceField(
        label=leaving_label,
        choices=[("", to_last)]
        + [
            (str(i), _("%(time)s に終わる回まで") % {"time": f"{end:%H:%M}"})
            for i, (_start, end) in enumerate(slot_times)
        ],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=help_text,
    )


def check_round_order(form: forms.Form, data: dict[str, Any], message: Any) -> None:
    """`message` on the leaving field when it comes before the arrival."""
    arrival, leaving = data.get("arrival_slot"), data.get("leaving_slot")
    if arrival is not None and leaving is not None and leaving < arrival:
        form.add_error("leaving_slot", message)
