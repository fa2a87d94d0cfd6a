"""Forms of the event day: the action buttons of a check-in row and the walk-in registration."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import EventCompany

__all__ = ["CHECKIN_ACTIONS", "CheckinActionForm", "WalkInForm"]

CHECKIN_ACTIONS = ("check_in", "undo", "no_show", "standby_on", "standby_off", "rounds")


class CheckinActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in CHECKIN_ACTIONS])
    q = forms.CharField(required=False, max_length=100)
    # action "rounds": a late arrival / an early departure ("" = as planned)
    arrival_slot = forms.TypedChoiceField(choices=[], coerce=int, empty_value=None, required=False)
    leaving_slot = forms.TypedChoiceField(choices=[], coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, rounds: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "")] + [(str(i), str(i)) for i in range(rounds)]
        self.fields["arrival_slot"].choices = choices  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        self.fields["leaving_slot"].choices = choices  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField


class WalkInForm(forms.Form):
    senior = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": _("新現役を選んでください。")})
    companies = forms.MultipleChoiceField(
        label=_("面談を希望する企業"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("面談を希望する企業を1社以上選んでください。"),
            "invalid_choice": _("この交流会に参加していない企業が含まれています。"),
        },
    )

    def __init__(self, *args: Any, enrolments: list[tuple[int, EventCompany]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["companies"].choices = [  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
            (
                str(e.pk),
                _("%(n)s番 %(company)s（%(bank)s）") % {"n": n, "company": e.company.name, "bank": e.institution.name},
            )
            for n, e in enrolments
        ]
