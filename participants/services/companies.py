"""Writes to client companies: create, update, bulk import (preview, then confirm) and export.

A company belongs to the institution of the staff member who registers it; nothing here takes an
institution from a form or a file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePath
from typing import Any, TypedDict, Unpack

import tablib
from auditlog.cid import get_cid
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from sks.audit import audit, audit_actor, audit_request_context
from sks.exceptions import DomainError
from sks.export import sheet_title, utf8_csv_bytes
from sks.uploads import UploadLimits, UploadRefusedError, upload_guard

from ..models import Branch, Company, Industry, Organization, User
from ..resources import (
    COMPANY_COLUMNS,
    COMPANY_REQUIRED_HEADERS,
    INSTITUTION_HEADERS,
    CompanyResource,
    canonical_header,
)
from ..selectors.companies import (
    COMPANY_IMPORT_MAX_AGE,
    COMPANY_IMPORT_SALT,
    CompanyKeys,
    PendingCompanyImport,
    company_import_storage,
    company_institution_for,
    company_keys_for,
    company_staff_for,
)
from ..signals import company_branches_changed

__all__ = [
    "COMPANY_IMPORT_MAX_BYTES",
    "COMPANY_IMPORT_MAX_ROWS",
    "COMPANY_IMPORT_MAX_UNCOMPRESSED_BYTES",
    "CompanyDuplicateError",
    "CompanyError",
    "CompanyFields",
    "CompanyImportChangedError",
    "CompanyImportFileError",
    "CompanyImportGoneError",
    "CompanyImportReport",
    "CompanyImportRow",
    "CompanyImportRowsError",
    "ParsedCompanyFile",
    "company_create",
    "company_errors",
    "company_export",
    "company_import_commit",
    "company_import_limits",
    "company_import_preview",
    "company_import_read",
    "company_import_store",
    "company_industry_error",
    "company_update",
    "tabular_rows",
]

logger = logging.getLogger(__name__)

COMPANY_IMPORT_MAX_BYTES = 10 * 1024 * 1024
COMPANY_IMPORT_MAX_ROWS = 20_000
# 20,000 rows of 20 filled columns are about 23 MB of worksheet XML: twice that leaves room for formatting.
COMPANY_IMPORT_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
# Columns read from a sheet; anything wider is not a company list.
_MAX_COLUMNS = 100


class CompanyError(DomainError):
    """A company cannot be saved as given; `field` names the form field the message belongs beside."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class CompanyDuplicateError(CompanyError):
    def __init__(self, message: str, *, field: str, existing: Company) -> None:
        super().__init__(message, field=field)
        self.existing = existing


class CompanyImportFileError(DomainError):
    """The uploaded file is refused as a whole, before any row is read."""


class CompanyImportGoneError(DomainError):
    """The previewed upload can no longer be imported (expired, already imported, or changed)."""


class CompanyImportChangedError(DomainError):
    """Companies changed between preview and confirmation: the import would not be what was shown."""


class CompanyImportRowsError(DomainError):
    def __init__(self, message: str, *, report: CompanyImportReport) -> None:
        super().__init__(message)
        self.report = report


class CompanyFields(TypedDict, total=False):
    name: str
    name_kana: str
    corporate_number: str
    client_code: str
    prefecture: str
    city: str
    industry_major: Industry | None
    industry: Industry | None
    employees: int | None
    capital: int | None
    founded_year: int | None
    president_name: str
    phone: str
    email: str
    website: str
    branch: Branch | None
    responsible_staff: User | None
    internal_notes: str


# --- create and update ------------------------------------------------------------------------------


def _check_may_act(*, by: User, institution: Organization) -> None:
    if institution.pk not in by.institution_ids:
        raise CompanyError(_("この金融機関の企業を登録・変更する権限がありません。"))


# Fields the rules below resolve themselves (a form or the import's widgets look them up): full_clean
# would query each one again.
_RESOLVED_FIELDS = ["institution", "created_by", "branch", "responsible_staff", "industry_major", "industry"]


def company_industry_error(*, major: Industry | None, middle: Industry | None) -> str | None:
    """Why a 中分類 does not go with the chosen 大分類, or None. The form, the service and the import all
    ask this one function."""
    if middle is None or major is None or middle.parent_id == major.pk:
        return None
    return _("「%(middle)s」は大分類「%(major)s」に含まれません（「%(parent)s」の中分類です）。") % {
        "middle": middle.name,
        "major": major.name,
        "parent": middle.parent.name if middle.parent else "",
    }


def _duplicate_message(field_name: str, *, company: Company, existing: Company, importing: bool) -> str:
    if not importing:
        return {
            "corporate_number": _("この法人番号の企業はすでに登録されています。"),
            "client_code": _("この取引先コードの企業はすでに登録されています。"),
            "name": _("同じ企業名・都道府県の企業がすでに登録されています。"),
        }[field_name]
    # A file row names the company it updates by its keys: say which company holds the value instead.
    if field_name == "name":
        where = _prefecture_name(company.prefecture) or _("都道府県なし")
        return _(
            "同じ企業名・都道府県の企業「%(name)s」（%(where)s）がすでに登録されています。"
            "その企業を更新するには、登録済みの法人番号か取引先コードを入れてください。"
        ) % {"name": existing.name, "where": where}
    if field_name == "client_code" and company.pk is not None and company.corporate_number:
        return _(
            "取引先コード「%(code)s」は登録済みの別の企業「%(other)s」のものです。"
            "法人番号「%(number)s」の企業は「%(company)s」です。"
        ) % {
            "code": company.client_code,
            "other": existing.name,
            "number": company.corporate_number,
            "company": company.name,
        }
    label = COMPANY_COLUMNS[field_name]
    return _("%(label)s「%(value)s」は登録済みの別の企業「%(other)s」のものです。") % {
        "label": label,
        "value": getattr(company, field_name),
        "other": existing.name,
    }


def _prefecture_name(code: str) -> str:
    from ..models import PREFECTURE_CHOICES

    return str(dict(PREFECTURE_CHOICES).get(code, "")) if code else ""


def company_errors(
    company: Company, *, keys: CompanyKeys, skip: frozenset[str] = frozenset(), importing: bool = False
) -> list[tuple[str | None, str]]:
    """Every rule a company must meet beyond its form's fields, as (field, message), in the order a reader
    fixes them: what belongs to the institution, the industry pair, the field validators, duplicates.

    The one place these rules live: a form save raises the first (`_check_company`), the import reports
    them all beside the row's line. `keys` holds the institution's companies that could be duplicated
    (loaded once per company or once per file); `skip` names fields already reported wrong.
    """
    errors: list[tuple[str | None, str]] = []
    if company.branch is not None and company.branch.organization_id != company.institution_id:
        errors.append(("branch", _("自機関の支店を選んでください。")))
    if (
        company.responsible_staff is not None
        and not company_staff_for(institution=company.institution).filter(pk=company.responsible_staff.pk).exists()
    ):
        errors.append(("responsible_staff", _("担当者は自機関の職員から選んでください。")))
    if "industry" not in skip and "industry_major" not in skip:
        if company.industry_major is not None and company.industry_major.parent_id is not None:
            errors.append(("industry_major", _("業種（大分類）は大分類から選んでください。")))
        elif company.industry is not None and company.industry.parent_id is None:
            errors.append(("industry", _("業種（中分類）は中分類から選んでください。")))
        elif company.industry is not None and company.industry_major is None:
            company.industry_major = company.industry.parent
        elif message := company_industry_error(major=company.industry_major, middle=company.industry):
            errors.append(("industry", message))
    try:
        company.full_clean(exclude=[*_RESOLVED_FIELDS, *skip], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors += [(None if name == "__all__" else name, message) for message in messages]
    reported = {name for name, _message in errors}
    duplicate = keys.duplicate_of(company)
    if duplicate is not None and duplicate[0] not in reported | set(skip):
        field_name, existing = duplicate
        errors.append(
            (field_name, _duplicate_message(field_name, company=company, existing=existing, importing=importing))
        )
    return errors


def _check_company(company: Company) -> None:
    """The form path: the rules above against the companies the database holds now; the first error."""
    keys = company_keys_for(
        institution=company.institution,
        corporate_numbers={company.corporate_number},
        client_codes={company.client_code},
        names={company.name},
    )
    for field_name, message in company_errors(company, keys=keys):
        duplicate = keys.duplicate_of(company)
        if duplicate is not None and duplicate[0] == field_name:
            raise CompanyDuplicateError(message, field=field_name, existing=duplicate[1])
        raise CompanyError(message, field=field_name)


def _save(company: Company, *, by: User) -> Company:
    _check_company(company)
    try:
        with transaction.atomic(), audit_actor(by):
            company.save()
            company_branches_changed.send(sender=Company, company_ids=[company.pk])
    except IntegrityError:
        # Two people saved the same company at the same moment: the constraint caught the second.
        _check_company(company)
        raise
    return company


@transaction.atomic
def company_create(*, by: User, institution: Organization, **fields: Unpack[CompanyFields]) -> Company:
    _check_may_act(by=by, institution=institution)
    company = Company(institution=institution, created_by=by, **fields)
    return _save(company, by=by)


@transaction.atomic
def company_update(*, company: Company, by: User, **fields: Unpack[CompanyFields]) -> Company:
    _check_may_act(by=by, institution=company.institution)
    for name, value in fields.items():
        setattr(company, name, value)
    return _save(company, by=by)


# --- import: reading the file -----------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedCompanyFile:
    dataset: tablib.Dataset
    line_numbers: list[int]  # the line (CSV) or row (Excel) of each data row, the header being 1
    ignored_columns: list[str]
    file_format: str
    encoding: str


def _decode_csv(content: bytes) -> tuple[str, str]:
    if content.startswith(codecs.BOM_UTF8):
        try:
            return content[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8（BOM付き）"
        except UnicodeDecodeError:
            pass
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CompanyImportFileError(
            _(
                "UTF-16 のテキスト（Excel の「Unicode テキスト」）は読み込めません。"
                "Excel で「CSV UTF-8（コンマ区切り）」か「CSV（コンマ区切り）」で保存し直してください。"
            )
        )
    else:
        for encoding, label in (("utf-8", "UTF-8"), ("cp932", "Shift_JIS（CP932）")):
            try:
                return content.decode(encoding), label
            except UnicodeDecodeError:
                continue
    raise CompanyImportFileError(
        _(
            "ファイルの文字コードを判別できませんでした。UTF-8 か Shift_JIS で保存した CSV ファイルを"
            "アップロードしてください（Excel では「CSV UTF-8」か「CSV」で保存します）。"
        )
    )


def _csv_rows(content: bytes) -> tuple[Iterator[tuple[int, list[Any]]], str]:
    text, encoding = _decode_csv(content)
    if "\x00" in text:
        raise CompanyImportFileError(
            _("CSV ファイルとして読めません。CSV か Excel（.xlsx）のファイルを選んでください。")
        )
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        while True:
            line = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error:
                raise CompanyImportFileError(
                    _('%(line)s行目を CSV として読めません（引用符 " の閉じ忘れなど）。') % {"line": line}
                ) from None
            yield line, record

    return rows(), encoding


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:  # openpyxl raises many kinds of errors for a broken or foreign file
        raise CompanyImportFileError(
            _("Excel ファイルを開けませんでした。ファイルが壊れていないか、.xlsx 形式かを確かめてください。")
        ) from None
    try:
        for line, values in enumerate(sheet.iter_rows(values_only=True, max_col=_MAX_COLUMNS), start=1):
            yield line, list(values)
    except Exception:  # as above: errors can also surface while rows are streamed
        raise CompanyImportFileError(
            _("Excel ファイルを最後まで読めませんでした。ファイルが壊れていないか確かめてください。")
        ) from None
    finally:
        workbook.close()


def company_import_limits() -> UploadLimits:
    """The upload guard's limits for a company file (read at call time, so that tests can lower them)."""
    return UploadLimits(
        max_bytes=COMPANY_IMPORT_MAX_BYTES,
        max_uncompressed_bytes=COMPANY_IMPORT_MAX_UNCOMPRESSED_BYTES,
        max_rows=COMPANY_IMPORT_MAX_ROWS,
        max_columns=_MAX_COLUMNS,
    )


def tabular_rows(
    *, content: bytes, filename: str, limits: UploadLimits
) -> tuple[Iterator[tuple[int, list[Any]]], str, str]:
    """The rows of an uploaded CSV or .xlsx, as (line number, values), after the upload guard; with the file
    format and the CSV's encoding. A file unusable as a whole raises CompanyImportFileError (a DomainError)
    with the reason. Other imports (the alumni roster) read their files through this too.
    """
    if not content:
        raise CompanyImportFileError(_("ファイルが空です。"))
    try:
        upload_guard(content=content, filename=filename, limits=limits)
    except UploadRefusedError as exc:
        raise CompanyImportFileError(exc.message) from None
    suffix = PurePath(filename).suffix.lower()
    is_zip = content.startswith(b"PK\x03\x04")
    if content.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
        raise CompanyImportFileError(
            _(
                "古い Excel 形式（.xls）やパスワード付きのファイルは読み込めません。"
                ".xlsx か CSV で保存し直してください。"
            )
        )
    rows: Iterator[tuple[int, list[Any]]]
    if suffix == ".xlsx" or (is_zip and suffix in {".csv", ".txt"}):
        if not is_zip:
            raise CompanyImportFileError(
                _("Excel（.xlsx）ファイルとして開けません。ファイルの種類を確かめてください。")
            )
        rows, file_format, encoding = _xlsx_rows(content), "xlsx", ""
    elif suffix in {".csv", ".txt"}:
        csv_rows, encoding = _csv_rows(content)
        rows, file_format = csv_rows, "csv"
    else:
        raise CompanyImportFileError(_("CSV（.csv）か Excel（.xlsx）のファイルを選んでください。"))

    return rows, file_format, encoding


def company_import_read(*, content: bytes, filename: str) -> ParsedCompanyFile:
    """Read an uploaded CSV or .xlsx into a dataset with canonical headers, or refuse it with the reason.

    Everything that makes a file unusable as a whole is found here, before any row is imported.
    """
    rows, file_format, encoding = tabular_rows(content=content, filename=filename, limits=company_import_limits())
    try:
        _line, raw_headers = next(rows)
    except StopIteration:
        raise CompanyImportFileError(_("ファイルが空です。")) from None
    headers = [canonical_header(h) for h in raw_headers]
    named = [h for h in headers if h]
    refused = [h for h in named if h in INSTITUTION_HEADERS or h.lower() in INSTITUTION_HEADERS]
    if refused:
        raise CompanyImportFileError(
            _(
                "「%(column)s」の列は取り込めません。登録先の金融機関は、ログインしている職員の金融機関に決まります。"
                "この列を削除してから、もう一度アップロードしてください。"
            )
            % {"column": refused[0]}
        )
    duplicated = sorted({h for h in named if named.count(h) > 1})
    if duplicated:
        raise CompanyImportFileError(
            _("1行目に「%(column)s」の列が2つ以上あります。列名が重ならないようにしてください。")
            % {"column": duplicated[0]}
        )
    missing = [h for h in COMPANY_REQUIRED_HEADERS if h not in headers]
    if missing:
        raise CompanyImportFileError(
            _("必須の列「%(columns)s」がありません。1行目に列名を書いてください（例：企業名,法人番号,取引先コード）。")
            % {"columns": "、".join(missing)}
        )
    known = set(COMPANY_COLUMNS.values())
    keep = [i for i, h in enumerate(headers) if h in known]
    ignored = [str(raw_headers[i]).strip() for i, h in enumerate(headers) if h and h not in known]

    dataset = tablib.Dataset(headers=[headers[i] for i in keep])
    line_numbers: list[int] = []
    for line, values in rows:
        if not any(v is not None and str(v).strip() for v in values):
            continue  # blank lines are skipped, but still counted for the line numbers
        if len(line_numbers) >= COMPANY_IMPORT_MAX_ROWS:
            raise CompanyImportFileError(
                _("行数が多すぎます（上限 %(rows)s 行）。ファイルを分けてアップロードしてください。")
                % {"rows": f"{COMPANY_IMPORT_MAX_ROWS:,}"}
            )
        dataset.append([values[i] if i < len(values) else "" for i in keep])
        line_numbers.append(line)
    if not line_numbers:
        raise CompanyImportFileError(_("見出しの行のほかに、企業のデータの行がありません。"))
    return ParsedCompanyFile(
        dataset=dataset, line_numbers=line_numbers, ignored_columns=ignored, file_format=file_format, encoding=encoding
    )


# --- import: keeping the upload between preview and confirmation ------------------------------------


def company_import_store(*, by: User, institution: Organization, content: bytes, filename: str) -> str:
    """Check the file as a whole, keep it, and return the signed token of its confirmation page.

    The token names the stored file, the user, the institution and the file's SHA-256: the
    confirmation imports exactly these bytes, for this user and institution only. (No database
    write happens here, hence no transaction.)
    """
    _check_may_act(by=by, institution=institution)
    company_import_read(content=content, filename=filename)
    _sweep_stale_uploads()
    storage = company_import_storage()
    storage.save(content)
    payload = {
        "s": storage.name,
        "u": by.pk,
        "i": institution.pk,
        "f": PurePath(filename).name[:200],
        "h": hashlib.sha256(content).hexdigest(),
    }
    return signing.dumps(payload, salt=COMPANY_IMPORT_SALT, compress=True)


def _sweep_stale_uploads() -> None:
    """Uploads nobody confirmed are removed once well past their token's lifetime."""
    storage = company_import_storage()
    backend, folder = storage._storage, storage.MEDIA_FOLDER
    try:
        _dirs, files = backend.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - timedelta(seconds=2 * COMPANY_IMPORT_MAX_AGE)
    for name in files:
        path = f"{folder}/{name}"
        try:
            if backend.get_modified_time(path) < cutoff:
                backend.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


def _pending_content(pending: PendingCompanyImport) -> bytes:
    if pending.expired:
        raise CompanyImportGoneError(
            _("確認の期限（%(minutes)s分）が過ぎました。もう一度ファイルをアップロードしてください。")
            % {"minutes": COMPANY_IMPORT_MAX_AGE // 60}
        )
    try:
        content = company_import_storage(pending.storage_name).read()
    except (FileNotFoundError, OSError):
        raise CompanyImportGoneError(
            _("このファイルはすでに取り込まれたか、期限が過ぎて削除されました。もう一度アップロードしてください。")
        ) from None
    if hashlib.sha256(content).hexdigest() != pending.sha256:
        raise CompanyImportGoneError(_("保存したファイルが変わっています。もう一度アップロードしてください。"))
    return content


# --- import: preview and confirmation ------------------------------------------------------------------


@dataclass(frozen=True)
class CompanyImportRow:
    line: int
    kind: str  # "new", "update" or "error"
    name: str
    company_id: int | None
    messages: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CompanyImportReport:
    filename: str
    file_format: str
    encoding: str
    rows: list[CompanyImportRow]
    ignored_columns: list[str]
    general_errors: list[str]
    digest: str

    def count(self, kind: str) -> int:
        return sum(1 for row in self.rows if row.kind == kind)

    @property
    def new(self) -> int:
        return self.count("new")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def error_rows(self) -> list[CompanyImportRow]:
        return [row for row in self.rows if row.kind == "error"]

    @property
    def has_errors(self) -> bool:
        return bool(self.general_errors) or any(row.kind == "error" for row in self.rows)


_LABELS = {**COMPANY_COLUMNS, "institution": "登録金融機関", "created_by": "登録者"}


def _row_report(row_result: Any) -> CompanyImportRow:
    line, name = row_result.line, row_result.row_name
    if row_result.validation_error is not None:
        order = list(_LABELS)
        by_column = sorted(
            row_result.validation_error.message_dict.items(),
            key=lambda item: order.index(item[0]) if item[0] in order else len(order),
        )
        messages = [
            f"{_LABELS[attribute]}：{message}" if attribute in _LABELS else message
            for attribute, errors in by_column
            for message in errors
        ]
        return CompanyImportRow(line=line, kind="error", name=name, company_id=None, messages=messages)
    if row_result.errors:
        for error in row_result.errors:
            logger.error("company import: unexpected error at line %s", line, exc_info=error.error)
        return CompanyImportRow(
            line=line,
            kind="error",
            name=name,
            company_id=None,
            messages=[_("この行を読み込めませんでした（想定外のエラー）。内容を確かめてください。")],
        )
    kind = "update" if row_result.import_type == "update" else "new"
    return CompanyImportRow(
        line=line,
        kind=kind,
        name=name,
        company_id=int(row_result.object_id) if kind == "update" else None,
        changed=list(row_result.changed),
    )


def _check_row(company: Company, keys: CompanyKeys, skip: frozenset[str]) -> list[tuple[str | None, str]]:
    """What the import asks of each row: the form's rules (company_errors), worded for a file."""
    return company_errors(company, keys=keys, skip=skip, importing=True)


def _run_import(*, by: User, pending: PendingCompanyImport) -> tuple[CompanyImportReport, CompanyResource]:
    """Read and check every row (the resource collects them; nothing is written here)."""
    content = _pending_content(pending)
    parsed = company_import_read(content=content, filename=pending.filename)
    resource = CompanyResource(
        institution=pending.institution, by=by, line_numbers=parsed.line_numbers, check=_check_row
    )
    # The import touches this institution's companies only, in a request or outside one (bench, tasks).
    with scope(institution=[pending.institution.pk]):
        result = resource.import_data(
            parsed.dataset, dry_run=True, use_transactions=True, rollback_on_validation_errors=True
        )
    rows = [_row_report(row_result) for row_result in result.rows]
    general = []
    for error in result.base_errors:
        logger.error("company import: the batch failed", exc_info=error.error)
        general.append(_("保存中に問題が起きたため、取り込めませんでした。時間をおいてもう一度お試しください。"))
    # What the confirmation must reproduce: the same file, and every row the same kind of change to the
    # same company.
    outline = [pending.sha256, *[(r.line, r.kind, r.company_id) for r in rows]]
    digest = hashlib.sha256(json.dumps(outline).encode()).hexdigest()
    report = CompanyImportReport(
        filename=pending.filename,
        file_format=parsed.file_format,
        encoding=parsed.encoding,
        rows=rows,
        ignored_columns=parsed.ignored_columns,
        general_errors=general,
        digest=digest,
    )
    return report, resource


# Companies are inserted this many to a statement.
_BATCH = 1000


def _companies_save(
    *,
    by: User,
    institution: Organization,
    created: list[Company],
    updated: list[tuple[Company, Company, list[str]]],
) -> None:
    """Save companies that company_errors has passed, many at once: the import's counterpart of `_save`.

    New companies go in with bulk_create; a changed one is updated in the fields that changed only (a plain
    UPDATE per row costs a tenth of Django's bulk_update, which writes every field through a CASE per row).
    Bulk writes send no signals, so the audit entries a form save would leave are written here too.
    """
    now = timezone.now()
    try:
        # This institution's companies only, in a request or outside one (bench, tasks).
        with transaction.atomic(), scope(institution=[institution.pk]):
            Company.objects.bulk_create(created, batch_size=_BATCH)
            for _before, company, changed in updated:
                company.updated_at = now
                values = {_ATTNAMES[name]: getattr(company, _ATTNAMES[name]) for name in changed}
                Company.objects.filter(pk=company.pk).update(**values, updated_at=now)
            moved = [company.pk for _before, company, changed in updated if "branch" in changed]
            if moved:
                company_branches_changed.send(sender=Company, company_ids=moved)
    except IntegrityError:
        # A colleague saved one of these companies between the check and the write: a unique key caught it.
        raise CompanyImportChangedError(
            _("確認した後に登録内容が変わったため、取り込みを中止しました。もう一度内容を確認してください。")
        ) from None
    _audit_import(created=created, updated=[(before, after) for before, after, _changed in updated], by=by)


_ATTNAMES = {f.name: f.attname for f in Company._meta.concrete_fields}


@transaction.atomic
def company_import_preview(*, by: User, pending: PendingCompanyImport) -> CompanyImportReport:
    """Dry run: what confirming would do, row by row. Nothing is saved."""
    _check_may_act(by=by, institution=pending.institution)
    report, _resource = _run_import(by=by, pending=pending)
    return report


@transaction.atomic
def company_import_commit(*, by: User, pending: PendingCompanyImport, expected_digest: str) -> CompanyImportReport:
    """Import what the preview showed, all rows or none.

    Refused if any row fails, or if the result would differ from the preview (`expected_digest`), for
    example because a colleague registered one of the companies in between.
    """
    _check_may_act(by=by, institution=pending.institution)
    report, resource = _run_import(by=by, pending=pending)
    if report.has_errors:
        raise CompanyImportRowsError(
            _("取り込めない行があるため、1件も保存していません。ファイルを直してからアップロードし直してください。"),
            report=report,
        )
    if report.digest != expected_digest:
        raise CompanyImportChangedError(
            _("確認した後に登録内容が変わったため、取り込みを中止しました。もう一度内容を確認してください。")
        )
    _companies_save(by=by, institution=pending.institution, created=resource.created, updated=resource.updated)
    storage_name = pending.storage_name
    transaction.on_commit(lambda: company_import_storage(storage_name).remove())
    return report


def _audit_import(*, created: list[Company], updated: list[tuple[Company, Company]], by: User) -> None:
    """One auditlog entry per company, as a form save would leave: bulk writes send no signals."""
    content_type = ContentType.objects.get_for_model(Company)
    remote_addr = (audit_request_context() or {}).get("remote_addr")
    cid = get_cid()
    as_json = getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
    # bulk_create sets the new primary keys on PostgreSQL and on SQLite 3.35 or later (Django's own
    # minimum is lower): refuse, and roll back, rather than write audit entries about no company.
    if any(company.pk is None for company in created):
        raise RuntimeError("bulk_create returned no primary keys: use PostgreSQL or SQLite 3.35+")
    entries = []
    for action, before, after in [
        *((LogEntry.Action.CREATE, None, company) for company in created),
        *((LogEntry.Action.UPDATE, before, after) for before, after in updated),
    ]:
        changes = model_instance_diff(before, after, use_json_for_changes=as_json)
        if action == LogEntry.Action.UPDATE and not changes:
            continue
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(after.pk),
                object_id=after.pk,
                object_repr=str(after),
                action=action,
                changes=changes,
                actor=by,
                actor_email=by.email,
                remote_addr=remote_addr,
                cid=cid,
                additional_data={"event": "company.imported"},
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=1000)


# --- export ---------------------------------------------------------------------------------------------


def company_export(*, by: User, companies: QuerySet[Company], file_format: str) -> bytes:
    """The companies as CSV (UTF-8 with BOM, for Excel in Japan) or .xlsx; formula-like cells escaped."""
    if file_format not in {"csv", "xlsx"}:
        raise DomainError(_("CSV か Excel を選んでください。"))
    dataset = CompanyResource().export(companies)
    dataset.title = sheet_title(_("取引先企業"))  # the worksheet's name; tablib's default is "Tablib Dataset"
    data: bytes = utf8_csv_bytes(dataset.csv) if file_format == "csv" else dataset.export("xlsx")
    # Who took a copy of the client list, and how much of it.
    audit(
        obj=company_institution_for(user=by),
        action="companies.exported",
        user=by,
        data={"rows": len(dataset), "format": file_format},
    )
    return data
