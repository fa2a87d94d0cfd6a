"""django-import-export column mappings for client companies (STYLE.md: resources.py holds nothing else).

The column headers are Japanese and fixed: they are the file format that bank staff fill in Excel, so
they do not change with the interface language. An exported file can be imported again unchanged.

`CompanyResource` is used by `participants.services.companies` only, which reads the file, takes the
institution from the signed-in user, checks every row with the same rules as the company form
(`company_errors`, handed in as `check`) and saves the rows itself. The resource maps cells to fields,
finds the company a row updates (by 法人番号, else by client code, within that institution only), says
which rows of the file repeat each other, and collects the rows; it never writes, and never sees an
institution from the file.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field
from import_export.widgets import Widget

from sks.export import escape_formula, unescape_formula

from .models import PREFECTURE_CHOICES, Branch, Company, Industry, Organization, User
from .normalize import (
    YearError,
    normalize_code,
    normalize_digits,
    normalize_kana,
    normalize_text,
    parse_amount,
    parse_year,
)
from .selectors.companies import CompanyKeys, company_keys_for

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a dev dependency: annotations only

__all__ = [
    "COMPANY_COLUMNS",
    "COMPANY_HEADER_ALIASES",
    "COMPANY_REQUIRED_HEADERS",
    "INSTITUTION_HEADERS",
    "CompanyResource",
    "canonical_header",
]

# Model attribute -> column header, in file order.
COMPANY_COLUMNS: dict[str, str] = {
    "name": "企業名",
    "name_kana": "企業名カナ",
    "corporate_number": "法人番号",
    "client_code": "取引先コード",
    "prefecture": "都道府県",
    "city": "市区町村",
    "industry_major": "業種大分類",
    "industry": "業種中分類",
    "employees": "従業員数",
    "capital": "資本金",
    "founded_year": "創業年",
    "president_name": "代表者名",
    "phone": "電話番号",
    "email": "メールアドレス",
    "website": "ウェブサイト",
    "branch": "担当支店",
    "internal_notes": "社内メモ",
}
COMPANY_REQUIRED_HEADERS: tuple[str, ...] = ("企業名",)
# Other spellings people use for the same columns (compared after NFKC, so （） and () are the same),
# including the labels of the company form.
COMPANY_HEADER_ALIASES: dict[str, str] = {
    "企業名(カナ)": "企業名カナ",
    "企業名カナ": "企業名カナ",
    "フリガナ": "企業名カナ",
    "会社名": "企業名",
    "業種(大分類)": "業種大分類",
    "業種(中分類)": "業種中分類",
    "資本金(円)": "資本金",
    "連絡先メールアドレス": "メールアドレス",
    "社内メモ(自機関のみ閲覧)": "社内メモ",
    "支店": "担当支店",
}
# A column that names an institution is refused: the institution is always the signed-in user's.
INSTITUTION_HEADERS = frozenset({"金融機関", "金融機関名", "登録金融機関", "機関", "機関名", "institution"})


def canonical_header(header: object) -> str:
    text = unicodedata.normalize("NFKC", normalize_text(header)).replace(" ", "")
    text = text.lstrip("\ufeff")
    return COMPANY_HEADER_ALIASES.get(text, text)


def _cell(value: object) -> str:
    return normalize_text(unescape_formula(value))


# --- widgets: one cell <-> one field value. ValueError messages are shown beside the line number. ------


class TextWidget(Widget):
    def __init__(self, normalizer: Any = None) -> None:
        super().__init__(coerce_to_string=True)
        self.normalizer = normalizer

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = _cell(value)
        return self.normalizer(text) if self.normalizer else text

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return "" if value is None else str(value)


class CorporateNumberWidget(TextWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = _cell(value)
        if re.fullmatch(r"[0-9.]+[eE]\+?[0-9]+", unicodedata.normalize("NFKC", text)):
            raise ValueError(
                _(
                    "法人番号が「1.23E+12」のような指数表記になっています。Excel で列の書式を「文字列」にしてから"
                    "13桁の番号を入れ直し、保存してください。"
                )
            )
        return normalize_digits(text)


class PrefectureWidget(Widget):
    def __init__(self) -> None:
        super().__init__()
        with translation.override("ja"):
            self.names = {code: str(name) for code, name in PREFECTURE_CHOICES}
        with translation.override("en"):
            english = {str(name).lower(): code for code, name in PREFECTURE_CHOICES}
        self.codes: dict[str, str] = {**english}
        for code, name in self.names.items():
            self.codes[name] = code
            self.codes[name[:-1] if name[-1] in "都道府県" else name] = code

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = unicodedata.normalize("NFKC", _cell(value)).strip()
        if not text:
            return ""
        if text.isdigit() and 1 <= int(text) <= 47:
            return f"{int(text):02d}"
        code = self.codes.get(text) or self.codes.get(text.lower())
        if code is None:
            raise ValueError(
                _(
                    "都道府県「%(value)s」が分かりません。「神奈川県」のような名前か、2桁のコード（14）で入力してください。"
                )
                % {"value": text}
            )
        return code

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return self.names.get(value or "", "")


class IndustryWidget(Widget):
    """業種 by JSIC code ("E", "09") or name ("製造業"), or both ("E 製造業"); majors or middles only."""

    def __init__(self, *, major: bool) -> None:
        super().__init__()
        self.major = major
        self._lookup: dict[str, Industry] | None = None

    def lookup(self) -> dict[str, Industry]:
        if self._lookup is None:
            self._lookup = {}
            for industry in Industry.objects.filter(parent__isnull=self.major).select_related("parent"):
                self._lookup[industry.code.upper()] = industry
                self._lookup[unicodedata.normalize("NFKC", industry.name)] = industry
        return self._lookup

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Industry | None:
        text = unicodedata.normalize("NFKC", _cell(value)).strip()
        if not text:
            return None
        lookup = self.lookup()
        candidates = [text, text.upper()]
        if match := re.match(r"^([A-Za-z]|\d{1,2})[\s:：.、]*(.*)$", text):
            code = match.group(1).upper()
            candidates += [code.zfill(2) if code.isdigit() else code, match.group(2).strip()]
        for candidate in candidates:
            if candidate and candidate in lookup:
                return lookup[candidate]
        if self.major:
            raise ValueError(
                _("業種大分類「%(value)s」が日本標準産業分類にありません。「E」か「製造業」のように入力してください。")
                % {"value": text}
            )
        raise ValueError(
            _(
                "業種中分類「%(value)s」が日本標準産業分類にありません。「09」か「食料品製造業」のように入力してください。"
            )
            % {"value": text}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.name if value is not None else ""


class BranchWidget(Widget):
    """A branch of the importing institution, by name or 店番 code; never another institution's."""

    def __init__(self) -> None:
        super().__init__()
        self.institution: Organization | None = None
        self._lookup: dict[str, Branch] | None = None

    def lookup(self) -> dict[str, Branch]:
        if self._lookup is None:
            self._lookup = {}
            if self.institution is not None:
                branches = list(Branch.objects.filter(organization=self.institution))
                for branch in branches:  # names win over codes when both match
                    if branch.code:
                        self._lookup[unicodedata.normalize("NFKC", branch.code)] = branch
                for branch in branches:
                    self._lookup[unicodedata.normalize("NFKC", branch.name)] = branch
        return self._lookup

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Branch | None:
        text = unicodedata.normalize("NFKC", _cell(value)).strip()
        if not text:
            return None
        branch = self.lookup().get(text)
        if branch is None:
            raise ValueError(
                _("担当支店「%(value)s」は自機関の支店に見つかりません。支店名か店番で入力してください。")
                % {"value": text}
            )
        return branch

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.name if value is not None else ""


class AmountWidget(Widget):
    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(coerce_to_string=False)
        self.message = message

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        try:
            return parse_amount(unescape_formula(value))
        except ValueError:
            raise ValueError(self.message % {"value": _cell(value)}) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return "" if value is None else value


class YearWidget(AmountWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        try:
            return parse_year(value)
        except YearError:
            raise ValueError(self.message % {"value": _cell(value)}) from None


def _field(attribute: str, widget: Widget) -> Field:
    return Field(attribute=attribute, column_name=COMPANY_COLUMNS[attribute], widget=widget)


# The rules a row must meet beyond its cells (participants.services.companies.company_errors): given the
# company and the fields already reported wrong, every (field, message) that is wrong with it.
CompanyCheck = Callable[[Company, CompanyKeys, frozenset[str]], list[tuple[str | None, str]]]


class CompanyResource(resources.ModelResource):
    name = _field("name", TextWidget())
    name_kana = _field("name_kana", TextWidget(normalize_kana))
    corporate_number = _field("corporate_number", CorporateNumberWidget())
    client_code = _field("client_code", TextWidget(normalize_code))
    prefecture = _field("prefecture", PrefectureWidget())
    city = _field("city", TextWidget())
    industry_major = _field("industry_major", IndustryWidget(major=True))
    industry = _field("industry", IndustryWidget(major=False))
    employees = _field(
        "employees", AmountWidget(gettext_lazy("従業員数「%(value)s」は0以上の整数で入力してください（例：25）。"))
    )
    capital = _field(
        "capital",
        AmountWidget(
            gettext_lazy("資本金「%(value)s」は0以上の金額（円）で入力してください（例：10,000,000 または 1000万円）。")
        ),
    )
    founded_year = _field(
        "founded_year",
        YearWidget(gettext_lazy("創業年「%(value)s」は西暦（1985）か和暦（昭和60年）で入力してください。")),
    )
    president_name = _field("president_name", TextWidget())
    phone = _field("phone", TextWidget(lambda v: unicodedata.normalize("NFKC", v)))
    email = _field("email", TextWidget())
    website = _field("website", TextWidget())
    branch = _field("branch", BranchWidget())
    internal_notes = _field("internal_notes", TextWidget())

    class Meta:
        model = Company
        fields = tuple(COMPANY_COLUMNS)
        import_order = tuple(COMPANY_COLUMNS)
        export_order = tuple(COMPANY_COLUMNS)
        # Rows are validated one by one (each bad row keeps its own message) and collected; the service
        # writes them, in bulk (save_instance below writes nothing).
        use_bulk = False
        skip_diff = True
        use_transactions = True

    def __init__(
        self,
        *,
        institution: Organization | None = None,
        by: User | None = None,
        line_numbers: list[int] | None = None,
        check: CompanyCheck | None = None,
    ) -> None:
        super().__init__()
        self.institution = institution
        self.by = by
        self.line_numbers = line_numbers or []
        self.check = check
        self.fields["branch"].widget.institution = institution
        # Filled while importing; read by the service, which saves them.
        self.created: list[Company] = []
        self.updated: list[tuple[Company, Company, list[str]]] = []  # (before, after, changed fields)
        self.keys = CompanyKeys()
        self._seen_corporate_numbers: dict[str, int] = {}
        self._seen_client_codes: dict[str, int] = {}
        self._seen_names: dict[tuple[str, str], int] = {}
        self._claimed: dict[int, int] = {}
        self._originals: dict[int, Company] = {}
        self._line = 0
        self._row_errors: dict[str, str] = {}
        self._changed: list[str] = []

    # --- export ------------------------------------------------------------------------------------
    def export_field(self, field: Field, instance: Company, **kwargs: Any) -> Any:
        return escape_formula(super().export_field(field, instance, **kwargs))

    # --- import: finding the company a row is about -------------------------------------------------
    def _key(self, row: dict[str, Any], attribute: str) -> str:
        column = COMPANY_COLUMNS[attribute]
        if column not in row:
            return ""
        try:
            return str(self.fields[attribute].clean(row) or "")
        except ValueError:
            return ""  # the field's own error is reported when the row is imported

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        """Load, once, every company of the institution that a row might update or duplicate."""
        assert self.institution is not None, "an import always belongs to one institution"
        assert self.check is not None, "the service hands in the company rules"
        rows = [dict(zip(dataset.headers, values, strict=False)) for values in dataset]
        self.keys = company_keys_for(
            institution=self.institution,
            corporate_numbers={k for r in rows if (k := self._key(r, "corporate_number"))},
            client_codes={k for r in rows if (k := self._key(r, "client_code"))},
            names={k for r in rows if (k := self._key(r, "name"))},
        )

    def import_row(self, row: Any, instance_loader: Any, **kwargs: Any) -> Any:
        number = kwargs["row_number"]
        self._line = self.line_numbers[number - 1] if self.line_numbers else number + 1
        self._row_errors = {}
        result = super().import_row(row, instance_loader, **kwargs)
        result.line = self._line
        result.changed = self._changed
        result.row_name = _cell(row.get(COMPANY_COLUMNS["name"], ""))
        self._changed = []
        return result

    def init_instance(self, row: Any = None) -> Company:
        return Company(institution=self.institution, created_by=self.by)

    def get_or_init_instance(self, instance_loader: Any, row: Any) -> tuple[Company, bool]:
        line = self._line
        corporate = self._key(row, "corporate_number")
        code = self._key(row, "client_code")
        by_number = self.keys.by_corporate_number.get(corporate) if corporate else None
        by_code = self.keys.by_client_code.get(code) if code else None
        errors: dict[str, str] = {}
        if corporate and corporate in self._seen_corporate_numbers:
            errors["corporate_number"] = _(
                "法人番号「%(value)s」は%(line)s行目と同じです。1つの企業は1行にまとめてください。"
            ) % {"value": corporate, "line": self._seen_corporate_numbers[corporate]}
        if code and code in self._seen_client_codes:
            errors["client_code"] = _(
                "取引先コード「%(value)s」は%(line)s行目と同じです。1つの企業は1行にまとめてください。"
            ) % {"value": code, "line": self._seen_client_codes[code]}
        # A 法人番号 and a client code of two different companies: the duplicate rule (company_errors) says
        # so once the row is read into the company its 法人番号 names.
        target = by_number or by_code
        if target is not None and target.pk in self._claimed and not errors:
            errors["corporate_number" if by_number else "client_code"] = _(
                "%(line)s行目と同じ登録済みの企業「%(name)s」を指しています。1つの企業は1行にまとめてください。"
            ) % {"line": self._claimed[target.pk], "name": target.name}
        if corporate:
            self._seen_corporate_numbers.setdefault(corporate, line)
        if code:
            self._seen_client_codes.setdefault(code, line)
        if errors:
            # A fresh instance, so that a bad row never changes a company another row updates.
            self._row_errors = errors
            return self.init_instance(row), True
        if target is not None:
            self._claimed[target.pk] = line
            self._originals[target.pk] = copy.copy(target)
            return target, False
        return self.init_instance(row), True

    # --- import: checking a row ---------------------------------------------------------------------
    def import_instance(self, instance: Company, row: Any, **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.message_dict
        for attribute, message in self._row_errors.items():
            errors.setdefault(attribute, []).append(message)
        if not instance.name and COMPANY_COLUMNS["name"] in row and "name" not in errors:
            errors["name"] = [_("企業名が空欄です。")]
        self._check_repeated_name(instance, errors)
        assert self.check is not None
        for field_name, message in self.check(instance, self.keys, frozenset(errors)):
            errors.setdefault(field_name or "__all__", []).append(message)
        if errors:
            raise ValidationError(errors)

    def _check_repeated_name(self, instance: Company, errors: dict[str, list[str]]) -> None:
        """Two rows of the file with the same name in the same prefecture."""
        if not instance.name or "name" in errors:
            return
        key = (instance.name, instance.prefecture)
        if key in self._seen_names:
            where = self.fields["prefecture"].widget.render(instance.prefecture) or _("都道府県なし")
            errors["name"] = [
                _("企業名「%(name)s」（%(where)s）は%(line)s行目と同じです。")
                % {"name": instance.name, "where": where, "line": self._seen_names[key]}
            ]
            return
        self._seen_names[key] = self._line

    def validate_instance(
        self, instance: Company, import_validation_errors: dict[str, Any] | None = None, validate_unique: bool = True
    ) -> None:
        # Everything was checked in import_instance (the field validators too, by company_errors).
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    # --- import: collecting (the service saves) ---------------------------------------------------
    def save_instance(self, instance: Company, is_create: bool, row: Any, **kwargs: Any) -> None:
        self._changed = []
        if is_create:
            self.created.append(instance)
            return
        original = self._originals[instance.pk]
        changed = [a for a in COMPANY_COLUMNS if _attname_value(original, a) != _attname_value(instance, a)]
        self._changed = [COMPANY_COLUMNS[a] for a in changed]
        if changed:  # otherwise reported as an update with nothing to change, and nothing is written
            self.updated.append((original, instance, changed))


_ATTNAMES = {field.name: field.attname for field in Company._meta.concrete_fields}


def _attname_value(instance: Company, attribute: str) -> Any:
    return getattr(instance, _ATTNAMES[attribute])
