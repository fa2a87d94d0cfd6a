"""Forms for the coordinator's event set-up and preparation checklist.

Field checks only, with Japanese messages beside each field; saving, and the rules that need the
database, are the services' (events.services.events), whose errors the views put beside the same fields.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import Organization, User

from ..models import ChecklistItem, Event
from ..selectors.events import (
    MAX_EVENT_HOSTS,
    checklist_owner_choices,
    event_co_host_choices,
    event_host_choices,
)
from ..services.events import DEADLINE_FIELDS, parse_break_after

__all__ = ["ChecklistItemForm", "EventForm"]

_CHECKBOX = {"class": "form-check-input"}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganizationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.name or obj.email


class EventForm(forms.ModelForm):
    hosts = OrganizationChoiceField(
        label=_("主催金融機関"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs=_CHECKBOX),
        help_text=_("1機関から13機関まで選べます。共同開催のときは、主催するすべての金融機関を選びます。"),
        error_messages={"required": _("主催金融機関を1つ以上選んでください。")},
    )
    co_hosts = OrganizationChoiceField(
        label=_("共催自治体"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=_CHECKBOX),
        help_text=_("自治体が共催するときだけ選びます。"),
    )
    break_after = forms.CharField(
        label=_("休憩を入れる回"),
        required=False,
        max_length=200,
        help_text=_("その回の面談の後に休憩を入れます。複数あるときはカンマで区切ります（例：3, 5）。"),
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "hosts",
            "co_hosts",
            "date",
            "venue",
            "address",
            "prefecture",
            "start_time",
            "slot_minutes",
            "rounds",
            "break_after",
            "break_minutes",
            "tables",
            "table_capacity",
            "enrolment_deadline",
            "hearing_deadline",
            "issue_list_date",
            "application_deadline",
            "selection_deadline",
            "max_choices_per_senior",
            "min_interviews_per_company",
        ]
        widgets = {
            "date": _date_input(),
            "enrolment_deadline": _date_input(),
            "hearing_deadline": _date_input(),
            "issue_list_date": _date_input(),
            "application_deadline": _date_input(),
            "selection_deadline": _date_input(),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: Any, coordinator_orgs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hosts"].queryset = event_host_choices()  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        self.fields["co_hosts"].queryset = event_co_host_choices()  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        if self.instance.pk:
            self.initial["break_after"] = ", ".join(str(b) for b in self.instance.break_after or [])
        elif coordinator_orgs is not None and len(coordinator_orgs) > 1:
            # Only a coordinator of more than one organisation chooses; otherwise it is their own.
            self.fields["coordinator"] = forms.ModelChoiceField(
                label=_("コーディネート団体"), queryset=coordinator_orgs, empty_label=None
            )
            self.order_fields(["title", "coordinator"])

    def clean_break_after(self) -> list[int]:
        try:
            return parse_break_after(self.cleaned_data.get("break_after") or "")
        except ValueError:
            raise forms.ValidationError(
                _("休憩を入れる回は「3, 5」のように、数字をカンマで区切って入力してください。"), code="invalid"
            ) from None

    def clean_hosts(self) -> Any:
        hosts = self.cleaned_data["hosts"]
        if len(hosts) > MAX_EVENT_HOSTS:
            raise forms.ValidationError(
                _("主催金融機関は%(max)s機関までです（いま%(count)s機関を選んでいます）。"),
                code="too_many",
                params={"max": MAX_EVENT_HOSTS, "count": len(hosts)},
            )
        return hosts

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        rounds, breaks = cleaned.get("rounds"), cleaned.get("break_after")
        if rounds and breaks and any(not 1 <= b <= rounds - 1 for b in breaks):
            if rounds == 1:
                self.add_error("break_after", _("面談が1回だけのときは休憩を入れられません。"))
            else:
                self.add_error(
                    "break_after",
                    _("休憩を入れる回は1から%(last)sまでの数字にしてください（最後の回の後には入れられません）。")
                    % {"last": rounds - 1},
                )
        # A message beside the field that is out of order (the fields with an error are then left out of
        # the model's own check of the database constraint, which would only repeat it less helpfully).
        dates = {name: cleaned.get(name) for name in DEADLINE_FIELDS}
        for earlier, later in pairwise(DEADLINE_FIELDS):
            first, second = dates[earlier], dates[later]
            if first is not None and second is not None and second < first:
                self.add_error(
                    later,
                    _("%(later)sは%(earlier)sと同じ日か、それより後の日付にしてください。")
                    % {"later": self.fields[later].label, "earlier": self.fields[earlier].label},
                )
        return cleaned


class ChecklistItemForm(forms.ModelForm):
    owner = UserChoiceField(label=_("担当者"), queryset=User.objects.none(), required=False, empty_label=_("（未定）"))

    class Meta:
        model = ChecklistItem
        fields = ["title", "due_date", "owner", "notes"]
        widgets = {"due_date": _date_input(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = checklist_owner_choices(event=event)  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
