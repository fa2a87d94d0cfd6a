"""Forms of the senior (新現役) area: the five profile-wizard steps, the pledge, consent and deletion.

Seniors type on phones and old PCs with Japanese input methods, so every field forgives what such input
produces: full-width digits, 「年」「日」「円」 and thousands separators, 和暦 (昭和33年), hiragana in the kana
field. What still cannot be read gets a Japanese message beside the field.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, cast

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import (
    PREFECTURE_CHOICES,
    WEEKDAYS,
    ConsentPurpose,
    ExpertiseArea,
    Industry,
    PledgeVersion,
    Qualification,
    Region,
    SeniorProfile,
)
from ..services import seniors as services
from .fields import KanaField, YearField

__all__ = [
    "BasicInfoForm",
    "CareerForm",
    "ConditionsForm",
    "ConsentGrantForm",
    "DeletionConfirmForm",
    "ExpertiseForm",
    "IntroductionForm",
    "PledgeAcceptForm",
    "career_formset",
]


def _normalise(value: Any) -> str:
    """Full-width digits and letters to ASCII, half-width kana to full-width (Unicode NFKC), trimmed."""
    return unicodedata.normalize("NFKC", str(value or "")).strip()


class _LenientIntegerField(forms.IntegerField):
    """An integer with full-width digits, thousands separators and a unit word allowed around it."""

    strip_suffixes: tuple[str, ...] = ()

    def to_python(self, value: Any) -> int | None:
        text = _normalise(value).replace(",", "").replace(" ", "")
        for suffix in self.strip_suffixes:
            text = text.removesuffix(suffix)
        return super().to_python(text)


class DaysField(_LenientIntegerField):
    strip_suffixes = ("日",)
    widget = forms.NumberInput(attrs={"inputmode": "numeric"})


class YenField(_LenientIntegerField):
    """Yen: '30000', '３０，０００円', '¥30,000' and '3万' (円) are all 30000."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value: Any) -> int | None:
        text = _normalise(value).replace(",", "").replace(" ", "").lstrip("¥").removesuffix("円")
        man = re.fullmatch(r"(\d+(?:\.\d+)?)万", text)
        if man:
            return round(float(man[1]) * 10000)
        return super().to_python(text)


_PHONE_RE = re.compile(r"^[0-9()\-]+$")


def _checkbox_widget() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


# --- step 1: 基本情報 -----------------------------------------------------------------------------------


class BasicInfoForm(forms.Form):
    name = forms.CharField(
        label=_("氏名"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("氏名を入力してください。")},
    )
    name_kana = KanaField(
        label=_("氏名（カナ）"), max_length=100, error_messages={"required": _("氏名（カナ）を入力してください。")}
    )
    birth_year = YearField(
        label=_("生まれ年"), required=False, help_text=_("西暦（例：1958）でも和暦（例：昭和33年）でも入力できます。")
    )
    prefecture = forms.ChoiceField(
        label=_("お住まいの都道府県"),
        choices=[("", _("選んでください")), *PREFECTURE_CHOICES],
        required=False,
        error_messages={"invalid_choice": _("都道府県を一覧から選んでください。")},
    )
    city = forms.CharField(label=_("市区町村"), max_length=100, required=False, help_text=_("例：横浜市港北区"))
    phone = forms.CharField(
        label=_("電話番号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("日中に連絡のつく番号を、市外局番から入力してください（例：045-123-4567）。"),
    )

    def __init__(self, *args: Any, profile: SeniorProfile, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": profile.user.name,
                "name_kana": profile.user.name_kana,
                "birth_year": profile.birth_year,
                "prefecture": profile.prefecture,
                "city": profile.city,
                "phone": profile.phone,
            },
        )
        super().__init__(*args, **kwargs)
        self.profile = profile

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        low, high = services.birth_year_bounds()
        if year is not None and not low <= year <= high:
            raise forms.ValidationError(
                _("%(year)s年生まれはありえません。%(low)s年から%(high)s年までの生まれ年を入力してください。"),
                code="impossible_year",
                params={"year": year, "low": low, "high": high},
            )
        return year

    def clean_phone(self) -> str:
        phone = _normalise(self.cleaned_data["phone"]).replace(" ", "").replace("ー", "-").replace("−", "-")
        if not phone:
            return ""
        digits = re.sub(r"\D", "", phone)
        if not _PHONE_RE.match(phone) or not digits.startswith("0") or not 10 <= len(digits) <= 11:
            raise forms.ValidationError(
                _("電話番号は市外局番から、数字とハイフンで入力してください（例：045-123-4567）。"), code="phone"
            )
        return phone

    def save(self) -> None:
        services.senior_basic_info_update(profile=self.profile, **self.cleaned_data)


# --- step 2: 職歴 ------------------------------------------------------------------------------------------


class CareerForm(forms.Form):
    employer = forms.CharField(
        label=_("勤務先"),
        max_length=200,
        error_messages={"required": _("勤務先を入力してください（この行を使わないときは、全部の欄を空にします）。")},
    )
    department = forms.CharField(label=_("部署"), max_length=200, required=False)
    role = forms.CharField(
        label=_("役職・担当"), max_length=200, required=False, help_text=_("例：営業部長、品質保証担当")
    )
    year_from = YearField(label=_("開始年"), required=False)
    year_to = YearField(label=_("終了年"), required=False, help_text=_("在職中は空欄にします。"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.empty_permitted:
            # An extra row may stay empty, so nothing in it is marked 必須; the employer is asked for (in
            # clean) only once something else is typed in the row.
            self.fields["employer"].required = False

    def _check_year(self, name: str) -> int | None:
        year = self.cleaned_data.get(name)
        this_year = timezone.localdate().year
        if year is not None and not 1868 <= year <= this_year:
            raise forms.ValidationError(
                _("%(year)s年はありえない年です。%(max)s年までの年を入力してください。"),
                code="impossible_year",
                params={"year": year, "max": this_year},
            )
        return year

    def clean_year_from(self) -> int | None:
        return self._check_year("year_from")

    def clean_year_to(self) -> int | None:
        return self._check_year("year_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("employer") and "employer" not in self.errors and self.has_changed():
            self.add_error("employer", self.fields["employer"].error_messages["required"])
        start, end = data.get("year_from"), data.get("year_to")
        if start is not None and end is not None and end < start:
            self.add_error("year_to", _("終了年は開始年と同じか、それより後の年にしてください。"))
        return data


class BaseCareerFormSet(forms.BaseFormSet):  # type: ignore[type-arg]  # django-stubs: BaseFormSet[CareerForm]
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("この職歴を削除する")

    def careers(self) -> list[services.CareerInput]:
        """The rows to keep, in the order shown; untouched empty rows and rows marked for deletion are left out."""
        kept = []
        for index, form in enumerate(self.forms):
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            kept.append(
                services.CareerInput(
                    employer=data["employer"],
                    department=data.get("department", ""),
                    role=data.get("role", ""),
                    year_from=data.get("year_from"),
                    year_to=data.get("year_to"),
                )
            )
        return kept

    def empty_row_count(self) -> int:
        return sum(1 for form in self.forms[self.initial_form_count() :] if not form.has_changed())


MAX_CAREERS = 30


def career_formset(*, profile: SeniorProfile, data: Any = None, extra: int = 1) -> BaseCareerFormSet:
    """The careers of `profile` as rows, plus `extra` empty rows to fill in (at least one when there are none)."""
    initial = [
        {
            "employer": c.employer,
            "department": c.department,
            "role": c.role,
            "year_from": c.year_from,
            "year_to": c.year_to,
        }
        for c in profile.careers.all()
    ]
    extra = max(extra, 0 if initial else 2)
    formset_class = formset_factory(
        CareerForm,
        formset=BaseCareerFormSet,
        extra=extra,
        can_delete=True,
        can_delete_extra=False,
        max_num=MAX_CAREERS,
        validate_max=True,
    )
    return cast(BaseCareerFormSet, formset_class(data=data, initial=initial, prefix="careers"))


# --- step 3: 専門分野・業種・資格 -------------------------------------------------------------------------------


class _NameChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # django-stubs generic
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


_CHOICE_ERRORS = {"invalid_choice": _("一覧から選んでください。"), "invalid_pk_value": _("一覧から選んでください。")}


class ExpertiseForm(forms.Form):
    expertise = _NameChoiceField(
        label=_("専門分野"),
        queryset=ExpertiseArea.objects.all(),
        required=False,
        widget=_checkbox_widget(),
        help_text=_("支援できる分野をすべて選んでください。"),
        error_messages=_CHOICE_ERRORS,
    )
    industries = _NameChoiceField(
        label=_("経験のある業種"),
        queryset=Industry.objects.majors(),
        required=False,
        widget=_checkbox_widget(),
        help_text=_("日本標準産業分類の大分類です。働いたことのある業種をすべて選んでください。"),
        error_messages=_CHOICE_ERRORS,
    )
    qualifications = _NameChoiceField(
        label=_("資格"),
        queryset=Qualification.objects.all(),
        required=False,
        widget=_checkbox_widget(),
        error_messages=_CHOICE_ERRORS,
    )
    other_qualifications = forms.CharField(
        label=_("その他の資格"),
        max_length=200,
        required=False,
        help_text=_("一覧にない資格があれば、読点（、）で区切って入力してください。"),
    )

    def __init__(self, *args: Any, profile: SeniorProfile, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "expertise": list(profile.expertise.all()),
                "industries": list(profile.industries.all()),
                "qualifications": list(profile.qualifications.all()),
                "other_qualifications": profile.other_qualifications,
            },
        )
        super().__init__(*args, **kwargs)
        self.profile = profile

    def save(self) -> None:
        services.senior_expertise_update(profile=self.profile, **self.cleaned_data)


# --- step 4: 自己紹介 ---------------------------------------------------------------------------------------


class IntroductionForm(forms.Form):
    self_introduction = forms.CharField(
        label=_("自己紹介"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "どんな仕事をしてきたか、どんな会社のどんな課題を手伝えるかを、2000字までで書いてください。"
            "企業と金融機関が面談相手を選ぶときに読みます。"
        ),
    )

    def __init__(self, *args: Any, profile: SeniorProfile, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"self_introduction": profile.self_introduction})
        super().__init__(*args, **kwargs)
        self.profile = profile

    def save(self) -> None:
        services.senior_introduction_update(profile=self.profile, **self.cleaned_data)


# --- step 5: 活動条件 -----------------------------------------------------------------------------------------


# Per visit; anything above is a typing slip (and would overflow the column on PostgreSQL).
MAX_FEE = 10_000_000


class ConditionsForm(forms.Form):
    days_per_month = DaysField(
        label=_("活動できる日数（月あたり）"),
        required=False,
        min_value=0,
        max_value=31,
        error_messages={
            "invalid": _("日数は数字で入力してください（例：4）。"),
            "min_value": _("日数は0から31までの数で入力してください。"),
            "max_value": _("日数は0から31までの数で入力してください。"),
        },
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("活動できる曜日"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=_checkbox_widget(),
        error_messages={"invalid_choice": _("曜日は一覧から選んでください。")},
    )
    travel_regions = _NameChoiceField(
        label=_("訪問できる地域"),
        queryset=Region.objects.all(),
        required=False,
        widget=_checkbox_widget(),
        error_messages=_CHOICE_ERRORS,
    )
    remote_ok = forms.BooleanField(label=_("オンライン（ビデオ会議）での支援もできる"), required=False)
    fee_min = YenField(
        label=_("希望謝金の下限（円／1回）"),
        required=False,
        min_value=0,
        max_value=MAX_FEE,
        error_messages={
            "invalid": _("金額は数字で入力してください（例：10000）。"),
            "min_value": _("金額は0円以上で入力してください。"),
            "max_value": _("金額は1000万円以下で入力してください。"),
        },
    )
    fee_max = YenField(
        label=_("希望謝金の上限（円／1回）"),
        required=False,
        min_value=0,
        max_value=MAX_FEE,
        error_messages={
            "invalid": _("金額は数字で入力してください（例：30000）。"),
            "min_value": _("金額は0円以上で入力してください。"),
            "max_value": _("金額は1000万円以下で入力してください。"),
        },
        help_text=_("無償でもよい場合は、下限に 0 を入力してください。"),
    )
    registry_number = forms.CharField(
        label=_("新現役登録番号（お持ちの方のみ）"),
        max_length=30,
        required=False,
        help_text=_("中小企業庁の新現役人材バンクなどに登録している場合の番号です。なければ空欄のままで構いません。"),
    )

    def __init__(self, *args: Any, profile: SeniorProfile, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "days_per_month": profile.days_per_month,
                "weekdays": profile.weekday_list,
                "travel_regions": list(profile.travel_regions.all()),
                "remote_ok": profile.remote_ok,
                "fee_min": profile.fee_min,
                "fee_max": profile.fee_max,
                "registry_number": profile.registry_number,
            },
        )
        super().__init__(*args, **kwargs)
        self.profile = profile

    def clean_registry_number(self) -> str:
        return _normalise(self.cleaned_data["registry_number"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("fee_min"), data.get("fee_max")
        if low is not None and high is not None and low > high:
            self.add_error("fee_max", _("上限は下限と同じか、それより大きい金額にしてください。"))
        return data

    def save(self) -> None:
        services.senior_conditions_update(profile=self.profile, **self.cleaned_data)


# --- pledge, consent, deletion -----------------------------------------------------------------------------


class PledgeAcceptForm(forms.Form):
    # The version read on screen: if a newer one comes into force meanwhile, the service refuses.
    pledge = forms.ModelChoiceField(queryset=PledgeVersion.objects.all(), widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=_("上記の内容を読み、守秘義務を守ることを誓約します"),
        error_messages={"required": _("誓約するには、チェックを入れてください。")},
    )


class ConsentGrantForm(forms.Form):
    purpose = forms.ModelChoiceField(queryset=ConsentPurpose.objects.all(), widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=_("上記の利用目的に同意します"),
        error_messages={"required": _("同意するには、チェックを入れてください。")},
    )


class DeletionConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("上記を理解したうえで、登録と個人情報の削除を依頼します"),
        error_messages={"required": _("削除するには、チェックを入れてください。")},
    )
