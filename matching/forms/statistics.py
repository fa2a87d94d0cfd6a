"""The statistics page's filters (GET): a year range for everyone, institution / coordinator / prefecture
for coordinators only (a bank sees only its own institution, a local government only its region)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.enums import OrganizationKind
from participants.models import PREFECTURE_CHOICES, Organization

from ..selectors.statistics import BREAKDOWNS, StatFilters, StatisticsScope

EXPORT_FORMATS = ("csv", "xlsx")


class StatisticsFilterForm(forms.Form):
    year_from = forms.IntegerField(label=_("開始年"), required=False, min_value=2000, max_value=2100)
    year_to = forms.IntegerField(label=_("終了年"), required=False, min_value=2000, max_value=2100)
    institution = forms.ModelChoiceField(
        label=_("金融機関"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("すべて"),
    )
    coordinator = forms.ModelChoiceField(
        label=_("コーディネート団体"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("すべて"),
    )
    prefecture = forms.ChoiceField(
        label=_("開催都道府県"), choices=[("", _("すべて")), *PREFECTURE_CHOICES], required=False
    )
    by = forms.ChoiceField(label=_("内訳"), required=False)

    def __init__(self, *args: Any, scope: StatisticsScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["by"].choices = [  # type: ignore[attr-defined]  # a ChoiceField, declared above
            (name, BREAKDOWNS[name].label) for name in scope.breakdowns
        ]
        if scope.kind == "coordinator":
            self.fields["institution"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
                kind=OrganizationKind.FINANCIAL_INSTITUTION
            ).order_by("name")
            self.fields["coordinator"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
                kind=OrganizationKind.COORDINATOR
            ).order_by("name")
        else:
            for name in ("institution", "coordinator", "prefecture"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("year_from") and data.get("year_to") and data["year_from"] > data["year_to"]:
            raise forms.ValidationError(_("開始年は終了年より前にしてください。"))
        return data

    def _valid_data(self) -> dict[str, Any]:
        """The fields that validated: a bad value in one field (say an unknown `by`) drops only that one."""
        self.is_valid()
        return getattr(self, "cleaned_data", {})

    def filters(self) -> StatFilters:
        data = self._valid_data()
        institution, coordinator = data.get("institution"), data.get("coordinator")
        return StatFilters(
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            institution_id=institution.pk if institution else None,
            coordinator_id=coordinator.pk if coordinator else None,
            prefecture=data.get("prefecture") or "",
        )

    def breakdown(self) -> str:
        return self._valid_data().get("by") or "year"
