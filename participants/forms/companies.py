"""Forms for client companies: the filter of the list, the company form and the import upload."""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sks.uploads import UploadRefusedError, upload_size_check

from ..models import Branch, Company, Industry, Organization, User
from ..normalize import normalize_code, normalize_digits, parse_amount
from ..reference import DATA_DIR
from ..selectors import company_branches_for, company_staff_for
from ..services.companies import company_import_limits, company_industry_error
from ..validators import validate_year
from .fields import KanaField, YearField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a dev dependency: annotations only


@cache
def _industry_major_choices() -> list[tuple[str, str]]:
    """JSIC major divisions from the reference file itself (the rows the migration loads), so that the
    list's filter costs no query."""
    rows = json.loads((DATA_DIR / "jsic.json").read_text(encoding="utf-8"))["industries"]
    return [(row["code"], f"{row['code']} {row['name']}") for row in rows if row["parent"] is None]


class CompanyFilterForm(forms.Form):
    q = forms.CharField(
        label=_("キーワード"),
        required=False,
        max_length=100,
        help_text=_("企業名、カナ、法人番号、取引先コードで探せます。"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    branch = forms.ModelChoiceField(
        label=_("担当支店"), queryset=Branch.objects.none(), required=False, empty_label=_("すべて")
    )
    industry = forms.ChoiceField(label=_("業種（大分類）"), required=False, choices=())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = company_branches_for(user=user)  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        if len(user.institution_ids) == 1:
            self.fields["branch"].label_from_instance = lambda branch: branch.name  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        self.fields["industry"].choices = [("", _("すべて")), *_industry_major_choices()]  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField


class AmountField(forms.IntegerField):
    """A whole number as people type it: "1,200", "１２００", "3000万円"."""

    def __init__(self, *, message: StrOrPromise, **kwargs: Any) -> None:
        self.message = message
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        try:
            return parse_amount(value)
        except ValueError:
            raise forms.ValidationError(self.message, code="invalid") from None


class IndustryMiddleField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Industry) -> str:
        return f"{obj.code} {obj.name}"


class CompanyForm(forms.ModelForm):
    """Field checks only. Saving, and the rules that need the database (duplicates, what belongs to the
    institution), are the services' (`company_create`, `company_update`)."""

    employees = AmountField(
        label=_("従業員数"), required=False, message=_("従業員数は0以上の整数で入力してください（例：25）。")
    )
    capital = AmountField(
        label=_("資本金（円）"),
        required=False,
        message=_("資本金は0以上の金額（円）で入力してください（例：10,000,000 または 1000万円）。"),
    )
    founded_year = YearField(
        label=_("創業年"),
        required=False,
        validators=[validate_year],
        help_text=_("西暦か和暦で入力できます（例：1985、昭和60年）。"),
    )
    website = forms.URLField(label=_("ウェブサイト"), required=False, assume_scheme="https")
    industry = IndustryMiddleField(
        label=_("業種（中分類）"),
        queryset=Industry.objects.middles().select_related("parent"),
        required=False,
        help_text=_("大分類に含まれる中分類を選びます。"),
    )

    class Meta:
        model = Company
        fields = [
            "name",
            "name_kana",
            "corporate_number",
            "client_code",
            "prefecture",
            "city",
            "industry_major",
            "industry",
            "employees",
            "capital",
            "founded_year",
            "president_name",
            "phone",
            "email",
            "website",
            "branch",
            "responsible_staff",
            "internal_notes",
        ]
        widgets = {
            "corporate_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "internal_notes": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"name_kana": KanaField}
        error_messages = {"name": {"required": _("企業名を入力してください。")}}

    def __init__(self, *args: Any, institution: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.institution = institution
        self.fields["branch"].queryset = Branch.objects.filter(organization=institution)  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        self.fields["branch"].label_from_instance = lambda branch: branch.name  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        self.fields["responsible_staff"].queryset = company_staff_for(institution=institution)  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        self.fields["industry_major"].queryset = Industry.objects.majors()  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        self.fields["industry_major"].label_from_instance = lambda i: f"{i.code} {i.label}"  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
        # Middle groups listed under their major division, so the choice that fits is easy to see.
        groups: dict[str, list[tuple[Any, str]]] = {}
        for industry in self.fields["industry"].queryset:  # type: ignore[attr-defined]  # form.fields is typed Field; this one is a ChoiceField
            groups.setdefault(f"{industry.parent.code} {industry.parent.label}", []).append(
                (industry.pk, f"{industry.code} {industry.label}")
            )
        self.fields["industry"].widget.choices = [("", "---------"), *groups.items()]

    def clean_corporate_number(self) -> str:
        return normalize_digits(self.cleaned_data.get("corporate_number", ""))

    def clean_client_code(self) -> str:
        return normalize_code(self.cleaned_data.get("client_code", ""))

    def clean_name(self) -> str:
        return str(self.cleaned_data.get("name", "")).strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        major, middle = data.get("industry_major"), data.get("industry")
        if middle is not None:
            if major is None:
                data["industry_major"] = middle.parent
            elif message := company_industry_error(major=major, middle=middle):
                self.add_error("industry", message)
        return data


class CompanyImportForm(forms.Form):
    file = forms.FileField(
        label=_("取り込むファイル"),
        help_text=_("CSV（UTF-8 または Shift_JIS）か Excel（.xlsx）。1行目は列名です。上限 10 MB・20,000 行。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # The size before the file is read into memory; the service runs the whole upload guard.
        try:
            upload_size_check(size=upload.size, limits=company_import_limits())
        except UploadRefusedError as exc:
            raise forms.ValidationError(exc.message) from None
        return upload
