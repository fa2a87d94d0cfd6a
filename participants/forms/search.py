from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sks.widgets import FastSelect

from ..models import PREFECTURE_CHOICES, WEEKDAYS, ExpertiseArea, Industry, Qualification, Region
from ..selectors import MAX_KEYWORDS, SeniorSearchCriteria, search_keywords

KEYWORD_MAX_LENGTH = 30

_CHECKBOX = {"class": "form-check-input"}


class SeniorSearchForm(forms.Form):
    """The search for 新現役 (GET). Every part is optional; all that are filled in must match."""

    q = forms.CharField(
        label=_("キーワード"),
        required=False,
        max_length=100,
        help_text=_("スペースで区切ると、すべてを含む方を探します（例：販路 海外）。"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    expertise = forms.ModelMultipleChoiceField(
        label=_("専門分野（いずれか）"),
        queryset=ExpertiseArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=_CHECKBOX),
        help_text=_("選んだ分野が多く当てはまる方ほど上に表示されます。"),
    )
    industry = forms.ModelChoiceField(
        label=_("経験のある業種（大分類）"),
        queryset=Industry.objects.majors(),
        required=False,
        empty_label=_("指定しない"),
        widget=FastSelect,
    )
    qualification = forms.ModelChoiceField(
        label=_("資格"),
        queryset=Qualification.objects.all(),
        required=False,
        empty_label=_("指定しない"),
        widget=FastSelect,
    )
    prefecture = forms.ChoiceField(
        label=_("お住まいの都道府県"),
        choices=[("", _("指定しない")), *PREFECTURE_CHOICES],
        required=False,
        widget=FastSelect,
    )
    region = forms.ModelChoiceField(
        label=_("訪問できる地域"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("指定しない"),
        widget=FastSelect,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("活動できる曜日（いずれか）"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=_CHECKBOX),
    )
    min_days = forms.IntegerField(
        label=_("月あたりの活動日数（この日数以上）"),
        min_value=1,
        max_value=31,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("日数は1〜31の半角数字で入力してください。"),
            "min_value": _("日数は1〜31の半角数字で入力してください。"),
            "max_value": _("日数は1〜31の半角数字で入力してください。"),
        },
    )
    remote_ok = forms.BooleanField(label=_("オンラインでの支援ができる方のみ"), required=False)

    def clean_q(self) -> str:
        text: str = self.cleaned_data.get("q", "")
        keywords = search_keywords(text)
        if len(keywords) > MAX_KEYWORDS:
            raise forms.ValidationError(
                _("キーワードは%(max)d個までにしてください。") % {"max": MAX_KEYWORDS}, code="too_many_keywords"
            )
        too_long = [k for k in keywords if len(k) > KEYWORD_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("1つのキーワードは%(max)d文字以内にしてください（スペースで区切れます）。")
                % {"max": KEYWORD_MAX_LENGTH},
                code="keyword_too_long",
            )
        return text

    def criteria(self) -> SeniorSearchCriteria:
        """The criteria of a valid form."""
        data: dict[str, Any] = self.cleaned_data
        return SeniorSearchCriteria(
            keywords=search_keywords(data.get("q", "")),
            expertise_ids=tuple(sorted(area.pk for area in data.get("expertise") or [])),
            industry_major_id=data["industry"].pk if data.get("industry") else None,
            qualification_id=data["qualification"].pk if data.get("qualification") else None,
            prefecture=data.get("prefecture") or "",
            region_id=data["region"].pk if data.get("region") else None,
            weekdays=tuple(sorted(data.get("weekdays") or [])),
            min_days_per_month=data.get("min_days"),
            remote_ok=bool(data.get("remote_ok")),
        )
