"""Forms of the mutual selection: a senior's choices and proposals, a company's decision, an invitation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..enums import ChoiceDecision
from ..selectors.selection import IssueEntry
from ..services.selection import PROPOSAL_MAX_LENGTH, AttendanceWindow, ChoiceInput
from .rounds import add_round_fields, check_round_order

__all__ = ["ChoiceDecisionForm", "InvitationForm", "SeniorApplicationForm"]


class SeniorApplicationForm(forms.Form):
    """One checkbox and one proposal per company of the issue list, in the list's order."""

    def __init__(
        self,
        data: Any = None,
        *,
        entries: Sequence[IssueEntry],
        max_choices: int,
        proposals: dict[int, str] | None = None,
        slot_times: Sequence[tuple[Any, Any]] = (),
        attendance: AttendanceWindow | None = None,
    ) -> None:
        proposals = proposals or {}
        initial: dict[str, Any] = {}
        if attendance is not None:
            initial["arrival_slot"] = "" if attendance.arrival_slot is None else str(attendance.arrival_slot)
            initial["leaving_slot"] = "" if attendance.leaving_slot is None else str(attendance.leaving_slot)
            initial["max_meetings"] = "" if attendance.max_meetings is None else str(attendance.max_meetings)
        for enrolment_id, proposal in proposals.items():
            initial[f"choose_{enrolment_id}"] = True
            initial[f"proposal_{enrolment_id}"] = proposal
        super().__init__(data, initial=initial)
        self.entries = list(entries)
        self.max_choices = max_choices
        self.rounds = len(slot_times)
        # When the senior can be there, as the rounds' clock times (people think in times, not rounds).
        add_round_fields(
            self,
            slot_times,
            arrival_label=_("到着"),
            leaving_label=_("退出"),
            from_first=_("最初の回から参加できます"),
            to_last=_("最後の回まで参加できます"),
        )
        self.fields["max_meetings"] = forms.TypedChoiceField(
            label=_("面談数の上限"),
            choices=[("", _("上限なし"))] + [(str(n), _("%(n)d件まで") % {"n": n}) for n in range(1, self.rounds + 1)],
            coerce=int,
            empty_value=None,
            required=False,
            help_text=_("体力などの事情で面談の数を抑えたい場合に選んでください。"),
        )
        for entry in self.entries:
            self.fields[f"choose_{entry.enrolment_id}"] = forms.BooleanField(
                label=_("%(label)s に応募する") % {"label": entry.label},
                required=False,
            )
            self.fields[f"proposal_{entry.enrolment_id}"] = forms.CharField(
                label=_("%(label)s への提案（どのように支援できるか）") % {"label": entry.label},
                required=False,
                max_length=PROPOSAL_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 5, "maxlength": PROPOSAL_MAX_LENGTH}),
                help_text=_("%(max)d文字以内。ご経験と、この企業にどう役立てられるかを書いてください。")
                % {"max": PROPOSAL_MAX_LENGTH},
                error_messages={
                    "max_length": _("提案は%(limit_value)d文字以内で入力してください（いま%(show_value)d文字です）。")
                },
            )

    def rows(self) -> list[tuple[IssueEntry, forms.BoundField, forms.BoundField]]:
        return [(e, self[f"choose_{e.enrolment_id}"], self[f"proposal_{e.enrolment_id}"]) for e in self.entries]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [e for e in self.entries if data.get(f"choose_{e.enrolment_id}")]
        for entry in chosen:
            name = f"proposal_{entry.enrolment_id}"
            if name in data and not (data.get(name) or "").strip():
                self.add_error(name, _("この企業への提案を入力してください。"))
        check_round_order(self, data, _("退出は、到着より後の回を選んでください。"))
        if len(chosen) > self.max_choices:
            raise forms.ValidationError(
                _("選べる企業は%(max)d社までです（いま%(count)d社選んでいます）。")
                % {"max": self.max_choices, "count": len(chosen)},
                code="too_many",
            )
        return data

    def attendance(self) -> AttendanceWindow:
        """When the senior can be there and how many interviews they want at most (a valid form)."""
        return AttendanceWindow(
            arrival_slot=self.cleaned_data.get("arrival_slot"),
            leaving_slot=self.cleaned_data.get("leaving_slot"),
            max_meetings=self.cleaned_data.get("max_meetings"),
        )

    def choices(self) -> list[ChoiceInput]:
        """The chosen companies with their proposals, in the issue list's order (a valid form)."""
        return [
            ChoiceInput(enrolment_id=e.enrolment_id, proposal=self.cleaned_data[f"proposal_{e.enrolment_id}"].strip())
            for e in self.entries
            if self.cleaned_data.get(f"choose_{e.enrolment_id}")
        ]


class ChoiceDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("企業の回答"),
        choices=[(ChoiceDecision.ACCEPTED, _("面談を希望")), (ChoiceDecision.DECLINED, _("見送り"))],
        error_messages={
            "required": _("「面談を希望」か「見送り」を選んでください。"),
            "invalid_choice": _("「面談を希望」か「見送り」を選んでください。"),
        },
    )


class InvitationForm(forms.Form):
    senior = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    message = forms.CharField(
        label=_("招待のメッセージ（任意）"),
        required=False,
        max_length=PROPOSAL_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": PROPOSAL_MAX_LENGTH}),
        help_text=_("新現役には、誓約のあとに表示されます。"),
        error_messages={"max_length": _("メッセージは%(limit_value)d文字以内で入力してください。")},
    )
