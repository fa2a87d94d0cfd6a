"""Forms of the follow-up: interview results (per row of a table, and the senior's own wish), the steps of
a second interview, support agreements and their visits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import User
from sks.clock import TOKYO

from ..enums import AgreementKind, NotAgreedReason, Wish

__all__ = [
    "AgreementForm",
    "CancelForm",
    "ChangeKindForm",
    "CompanyResultForm",
    "NotAgreedForm",
    "ScheduleForm",
    "SeniorWishForm",
    "VisitForm",
]

# Rendered as big toggle buttons (Bootstrap's btn-check + a label styled as a button): easy on a tablet.
BIG_RADIO = {"class": "btn-check", "autocomplete": "off"}
DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-lg"}, format="%Y-%m-%d")


class CompanyResultForm(forms.Form):
    """One row of a table's form: the company's wish (three big radio buttons), not held, notes."""

    wish = forms.ChoiceField(
        label=_("企業の再面談の希望"), choices=Wish.choices, widget=forms.RadioSelect(attrs=BIG_RADIO), required=False
    )
    not_held = forms.BooleanField(label=_("この面談は実施されなかった"), required=False)
    notes = forms.CharField(
        label=_("メモ"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args: Any, with_notes: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_notes:
            # The memo is the bank's internal note (DESIGN.md): the coordinator neither reads nor overwrites it.
            del self.fields["notes"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("not_held") and not data.get("wish"):
            self.add_error("wish", _("企業の希望（また会いたい・検討中・希望しない）を選んでください。"))
        return data


class SeniorWishForm(forms.Form):
    wish = forms.ChoiceField(
        label=_("この企業とまた会いたいですか"),
        choices=Wish.choices,
        widget=forms.RadioSelect(attrs=BIG_RADIO),
        error_messages={"required": _("あなたの希望を選んでください。")},
    )
    notes = forms.CharField(
        label=_("コメント（金融機関の担当者に伝わります）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class ScheduleForm(forms.Form):
    date = forms.DateField(
        label=_("日付"), widget=DATE_INPUT, error_messages={"required": _("日付を入力してください。")}
    )
    time = forms.TimeField(
        label=_("開始時刻"),
        widget=forms.TimeInput(attrs={"type": "time", "class": "form-control form-control-lg"}, format="%H:%M"),
        error_messages={"required": _("開始時刻を入力してください。")},
    )
    duration_minutes = forms.IntegerField(
        label=_("所要時間（分）"),
        initial=60,
        min_value=10,
        max_value=480,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-lg"}),
    )
    place = forms.CharField(
        label=_("場所"), required=False, max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    online_url = forms.URLField(
        label=_("オンライン会議のURL"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "form-control"}),
        error_messages={"invalid": _("URLの形式が正しくありません（https:// から始めてください）。")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("place") or "").strip() and not (data.get("online_url") or "").strip():
            self.add_error("place", _("場所かオンライン会議のURLのどちらかを入力してください。"))
        return data

    def scheduled_at(self) -> dt.datetime | None:
        date, time = self.cleaned_data.get("date"), self.cleaned_data.get("time")
        if date is None or time is None:
            return None
        return dt.datetime.combine(date, time, tzinfo=TOKYO)


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("支援の形"),
        choices=AgreementKind.choices,
        initial=AgreementKind.SUBSIDISED,
        widget=forms.RadioSelect,
        error_messages={"required": _("支援の形を選んでください。")},
    )
    subsidised_visits = forms.IntegerField(
        label=_("補助対象の訪問回数"),
        initial=3,
        min_value=1,
        max_value=50,
        help_text=_("専門家派遣（国の補助事業）のときの訪問回数です。あとから増やすことはできません。"),
        widget=forms.NumberInput(attrs={"class": "form-control form-control-lg"}),
    )
    start_date = forms.DateField(
        label=_("開始日"), widget=DATE_INPUT, error_messages={"required": _("支援の開始日を入力してください。")}
    )
    fee = forms.IntegerField(
        label=_("謝金・報酬（円、任意）"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    responsible_staff = forms.ModelChoiceField(
        label=_("担当職員"),
        queryset=User.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("担当職員を選んでください。")},
    )
    note = forms.CharField(
        label=_("メモ"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["responsible_staff"]
        field.queryset = User.objects.filter(pk__in=[u.pk for u in staff]).order_by("name", "pk")  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        field.label_from_instance = lambda u: u.get_full_name()  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField


class NotAgreedForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("不成立の理由"),
        choices=[("", "---------"), *NotAgreedReason.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("不成立の理由を選んでください。")},
    )
    note = forms.CharField(
        label=_("メモ（理由が「その他」のときは必須）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == NotAgreedReason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", _("理由が「その他」のときは、メモに具体的な理由を書いてください。"))
        return data


class CancelForm(forms.Form):
    note = forms.CharField(
        label=_("中止の理由（任意）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class VisitForm(forms.Form):
    date = forms.DateField(
        label=_("訪問日"), widget=DATE_INPUT, error_messages={"required": _("訪問日を入力してください。")}
    )
    hours = forms.DecimalField(
        label=_("時間"),
        min_value=Decimal("0.5"),
        max_value=Decimal("24"),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "class": "form-control form-control-lg"}),
        error_messages={
            "required": _("時間を入力してください。"),
            "min_value": _("時間は0.5時間から24時間の間で入力してください。"),
            "max_value": _("時間は0.5時間から24時間の間で入力してください。"),
        },
    )
    summary = forms.CharField(
        label=_("内容"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": _("訪問の内容を書いてください。")},
    )


class ChangeKindForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("新しい支援の形"), choices=AgreementKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    confirm = forms.BooleanField(
        label=_("支援の形の変更を確認しました"),
        error_messages={"required": _("「支援の形の変更を確認しました」にチェックを入れてください。")},
    )
