"""Forms of enrolment and the hearing sheet: field checks only; the rules live in events.services.hearings."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Company, ExpertiseArea, User

from ..enums import ApprovalMethod, IssueCategory, PaymentCapacity, SupportForm
from ..models import Event, EventCompany, HearingIssue, HearingSheet
from ..services.hearings import MAX_HEARING_ISSUES, MAX_MIN_INTERVIEWS, STAFF_APPROVAL_METHODS, HearingIssueInput
from .rounds import add_round_fields, check_round_order

__all__ = [
    "CompanyApprovalForm",
    "CompanyReturnForm",
    "EnrolmentEditForm",
    "EnrolmentForm",
    "HearingIssueForm",
    "HearingIssueFormSet",
    "HearingSheetForm",
    "HearingSummaryForm",
    "RecordApprovalForm",
    "RecordReturnForm",
    "hearing_issue_formset",
]

_CHOICE_ERRORS = {"invalid_choice": _("一覧から選んでください。"), "invalid_pk_value": _("一覧から選んでください。")}
_YES_NO = [("yes", _("はい")), ("no", _("いいえ"))]


class _StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # django-stubs generic
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} （{obj.email}）" if obj.name else str(obj.email)


class _CompanyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # django-stubs generic
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.get_prefecture_display()}）" if obj.prefecture else str(obj.name)


class _NameChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # django-stubs generic
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _floor_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("この企業の最低面談数"),
        required=False,
        min_value=0,
        max_value=MAX_MIN_INTERVIEWS,
        help_text=_("空欄なら交流会の設定（1社あたりの最低面談数）に従います。"),
        error_messages={
            "invalid": _("最低面談数は数字で入力してください。"),
            "min_value": _("最低面談数は0以上で入力してください。"),
            "max_value": _("最低面談数は%(limit_value)s以下で入力してください。"),
        },
    )


def _staff_field(label: Any, *, required: bool = True, help_text: Any = "") -> _StaffChoiceField:
    return _StaffChoiceField(
        label=label,
        queryset=User.objects.none(),
        required=required,
        help_text=help_text,
        error_messages={
            "required": _("職員を選んでください。"),
            "invalid_choice": _("自機関の職員から選んでください。"),
        },
    )


def _add_round_fields(form: forms.Form, event: Event) -> None:
    """When the company's table is staffed."""
    add_round_fields(
        form,
        event.slot_times(),
        arrival_label=_("参加開始"),
        leaving_label=_("参加終了"),
        from_first=_("最初の回から"),
        to_last=_("最後の回まで"),
        help_text=_("遅れて始める・早く終える場合だけ選んでください。時間割はこの時間の中で組みます。"),
    )


def _check_round_fields(form: forms.Form, data: dict[str, Any]) -> None:
    check_round_order(form, data, _("参加終了は、参加開始より後の回を選んでください。"))


class EnrolmentForm(forms.Form):
    company = _CompanyChoiceField(
        label=_("参加する企業"),
        queryset=Company.objects.none(),
        help_text=_("自機関の取引先企業から選びます。"),
        error_messages={
            "required": _("参加する企業を選んでください。"),
            "invalid_choice": _("自機関の取引先企業から選んでください。"),
        },
    )
    attending_staff = _staff_field(_("当日同席する職員"))
    min_interviews = _floor_field()

    def __init__(self, *args: Any, companies: Any, staff: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        self.fields["attending_staff"].queryset = staff  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        _add_round_fields(self, event)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_round_fields(self, data)
        return data


class EnrolmentEditForm(forms.Form):
    attending_staff = _staff_field(_("当日同席する職員"))
    min_interviews = _floor_field()

    def __init__(self, *args: Any, enrolment: EventCompany, staff: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "attending_staff": enrolment.attending_staff_id,
                "min_interviews": enrolment.min_interviews,
                "arrival_slot": "" if enrolment.arrival_slot is None else str(enrolment.arrival_slot),
                "leaving_slot": "" if enrolment.leaving_slot is None else str(enrolment.leaving_slot),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["attending_staff"].queryset = staff  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        _add_round_fields(self, enrolment.event)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_round_fields(self, data)
        return data


class HearingSheetForm(forms.Form):
    support_form = forms.ChoiceField(
        label=_("希望する支援の形"),
        choices=[("", "---------"), *SupportForm.choices],
        required=False,
        help_text=_("提出するときは必ず選んでください。"),
        error_messages=_CHOICE_ERRORS,
    )
    payment_capacity = forms.ChoiceField(
        label=_("支払える謝金の目安"),
        choices=[("", "---------"), *PaymentCapacity.choices],
        required=False,
        error_messages=_CHOICE_ERRORS,
    )
    payment_note = forms.CharField(label=_("謝金についての補足"), max_length=300, required=False)
    interviewer = _staff_field(_("ヒアリング担当者"), required=False)
    interviewed_on = forms.DateField(
        label=_("ヒアリング実施日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("日付を正しく入力してください（例：2025-04-01）。")},
    )
    internal_notes = forms.CharField(
        label=_("内部メモ（自機関のみ閲覧）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "このメモは自機関の職員だけが読めます。企業・コーディネーター・新現役・他の金融機関には表示されません。"
        ),
    )

    def __init__(self, *args: Any, sheet: HearingSheet, staff: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "support_form": sheet.support_form,
                "payment_capacity": sheet.payment_capacity,
                "payment_note": sheet.payment_note,
                "interviewer": sheet.interviewer_id,
                "interviewed_on": sheet.interviewed_on,
                "internal_notes": sheet.internal_notes,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["interviewer"].queryset = staff  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField

    def clean_interviewed_on(self) -> Any:
        day = self.cleaned_data.get("interviewed_on")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("ヒアリング実施日に未来の日付は入力できません。"))
        return day


class HearingIssueForm(forms.Form):
    category = forms.ChoiceField(
        label=_("課題の分類"),
        choices=[("", "---------"), *IssueCategory.choices],
        error_messages={"required": _("課題の分類を選んでください。"), **_CHOICE_ERRORS},
    )
    description = forms.CharField(
        label=_("課題の内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("課題の内容を入力してください（この課題を使わないときは、全部の欄を空にします）。")
        },
    )
    expertise = _NameChoiceField(
        label=_("求める専門分野"),
        queryset=ExpertiseArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("あてはまるものをすべて選んでください。"),
        error_messages=_CHOICE_ERRORS,
    )
    expertise_note = forms.CharField(
        label=_("求める人材像"),
        max_length=300,
        required=False,
        help_text=_("例：量販店バイヤーとの商談経験がある方"),
    )


class HearingIssueFormSet(forms.BaseFormSet):  # type: ignore[type-arg]  # django-stubs: BaseFormSet[HearingIssueForm]
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("この課題を削除する")

    def issues(self) -> list[HearingIssueInput]:
        """The issues to keep, in the order shown; untouched empty rows and rows marked for deletion are left out."""
        kept = []
        for index, form in enumerate(self.forms):
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            kept.append(
                HearingIssueInput(
                    category=data["category"],
                    description=data["description"],
                    expertise=list(data.get("expertise") or []),
                    expertise_note=data.get("expertise_note", ""),
                )
            )
        return kept


# Lazy strings: django-stubs types these as str, which Django does not require.
_FORMSET_ERRORS: Any = {
    "too_many_forms": _("経営課題は%(num)d件まで登録できます。"),
    "missing_management_form": _("送信された内容が不完全です。もう一度入力してください。"),
}


def hearing_issue_formset(*, issues: list[HearingIssue], data: Any = None) -> HearingIssueFormSet:
    """The sheet's issues as rows, plus one empty row to add another (up to MAX_HEARING_ISSUES)."""
    initial = [
        {
            "category": issue.category,
            "description": issue.description,
            "expertise": [area.pk for area in issue.expertise.all()],
            "expertise_note": issue.expertise_note,
        }
        for issue in issues
    ]
    formset_class = formset_factory(
        HearingIssueForm,
        formset=HearingIssueFormSet,
        extra=1 if len(initial) < MAX_HEARING_ISSUES else 0,
        can_delete=True,
        can_delete_extra=False,
        max_num=MAX_HEARING_ISSUES,
        validate_max=True,
        absolute_max=MAX_HEARING_ISSUES + 5,
    )
    formset = formset_class(
        data=data,
        initial=initial,
        prefix="issues",
        error_messages=_FORMSET_ERRORS,
    )
    return cast(HearingIssueFormSet, formset)


class RecordApprovalForm(forms.Form):
    approved_on = forms.DateField(
        label=_("企業の承認を受けた日"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("承認を受けた日を入力してください。"),
            "invalid": _("日付を正しく入力してください（例：2025-04-01）。"),
        },
    )
    method = forms.ChoiceField(
        label=_("承認を確認した方法"),
        choices=[(m, label) for m, label in ApprovalMethod.choices if m in STAFF_APPROVAL_METHODS],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("承認を確認した方法を選んでください。"), **_CHOICE_ERRORS},
    )
    name_disclosure_agreed = forms.ChoiceField(
        label=_("課題一覧で企業名を公開することに、企業は同意しましたか"),
        choices=_YES_NO,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=_("「いいえ」なら、課題一覧では企業名を伏せて「A社」のように表示します。"),
        error_messages={
            "required": _("企業名の公開への同意を「はい」か「いいえ」で選んでください。"),
            **_CHOICE_ERRORS,
        },
    )
    note = forms.CharField(
        label=_("承認についてのメモ"),
        max_length=300,
        required=False,
        help_text=_("例：社長に訪問時に内容を確認いただいた"),
    )

    def clean_approved_on(self) -> Any:
        day = self.cleaned_data.get("approved_on")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("承認を受けた日に未来の日付は入力できません。"))
        return day


class RecordReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("企業から依頼された修正の内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("修正の内容を入力してください。")},
    )


class CompanyApprovalForm(forms.Form):
    name_disclosure_agreed = forms.ChoiceField(
        label=_("課題一覧に貴社の企業名を載せてもよいですか"),
        choices=[("no", _("いいえ（企業名を伏せて「A社」のように載せる）")), ("yes", _("はい（企業名を載せてよい）"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=_("課題一覧は、守秘義務に誓約した新現役が読みます。"),
        error_messages={"required": _("企業名を載せてよいかを選んでください。"), **_CHOICE_ERRORS},
    )


class CompanyReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("直してほしい点"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("金融機関の担当者に届きます。"),
        error_messages={"required": _("直してほしい点を書いてください。")},
    )


class HearingSummaryForm(forms.Form):
    public_title = forms.CharField(
        label=_("公開用の見出し"),
        max_length=200,
        help_text=_("例：首都圏の量販店への販路を開拓したい"),
        error_messages={"required": _("見出しを入力してください。")},
    )
    public_summary = forms.CharField(
        label=_("公開用の課題概要"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("企業が特定される内容（企業名・所在地の詳細・固有の製品名など）は書かないでください。"),
        error_messages={"required": _("課題概要を入力してください。")},
    )
    show_name = forms.BooleanField(label=_("課題一覧に企業名を表示する"), required=False)

    def __init__(self, *args: Any, sheet: HearingSheet, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"public_title": sheet.public_title, "public_summary": sheet.public_summary, "show_name": sheet.show_name},
        )
        super().__init__(*args, **kwargs)
        if not sheet.name_disclosure_agreed:
            self.fields["show_name"].disabled = True
            self.fields["show_name"].help_text = _("企業が企業名の公開に同意していないため、表示できません。")
        else:
            self.fields["show_name"].help_text = _("企業は企業名の公開に同意しています。")
