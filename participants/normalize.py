"""Tidying of what people type (or what Excel writes) in Japanese forms and files, before validation.

Pure functions, no Django: forms, import resources and search all use the same rules, so a value that
the form accepts is accepted by a file import too.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

__all__ = [
    "YearError",
    "normalize_code",
    "normalize_digits",
    "normalize_kana",
    "normalize_text",
    "parse_amount",
    "parse_year",
]

_HIRAGANA = re.compile(r"[\u3041-\u3096\u309D\u309E]")
# Japanese eras (元号): the Western year is offset + era year. 元年 is year 1.
_ERAS = {
    "明治": 1867,
    "大正": 1911,
    "昭和": 1925,
    "平成": 1988,
    "令和": 2018,
    "M": 1867,
    "T": 1911,
    "S": 1925,
    "H": 1988,
    "R": 2018,
}
_ERA_YEAR = re.compile(r"^(明治|大正|昭和|平成|令和|[MTSHR])\.?\s*(元|\d{1,2})年?$", re.IGNORECASE)
_WESTERN_YEAR = re.compile(r"^(\d{1,4})(?:\.0+)?年?$")


class YearError(ValueError):
    pass


def normalize_text(value: object) -> str:
    """A cell or field as a trimmed string; numbers from Excel lose a spurious `.0`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip().strip("\u3000").strip()


def normalize_digits(value: object) -> str:
    """Full-width digits to ASCII and separators removed: "１２３４-5678 ９" -> "123456789"."""
    text = unicodedata.normalize("NFKC", normalize_text(value))
    return re.sub(r"[\s\-‐‑–—−ー]", "", text)


def normalize_code(value: object) -> str:
    """An identifier such as a client code: half-width, trimmed, inner spaces kept."""
    return unicodedata.normalize("NFKC", normalize_text(value)).strip()


def normalize_kana(value: object) -> str:
    """Hiragana and half-width katakana become full-width katakana ("かぶしき ｶﾞｲｼｬ" -> "カブシキ ガイシャ")."""
    text = unicodedata.normalize("NFKC", normalize_text(value))
    return _HIRAGANA.sub(lambda m: chr(ord(m.group()) + 0x60), text)


def parse_amount(value: object) -> int | None:
    """A non-negative whole number as people write it: "1,200", "１２００人", "3000万円", "1.5億円".

    Returns None for an empty value; raises ValueError (with no message) for anything else that is not
    a whole number, and for negative numbers.
    """
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        number = int(value)
    else:
        text = unicodedata.normalize("NFKC", normalize_text(value)).replace(",", "").replace(" ", "")
        if not text:
            return None
        multiplier = 1
        for suffix, factor in (("億円", 100_000_000), ("万円", 10_000), ("億", 100_000_000), ("万", 10_000)):
            if text.endswith(suffix):
                text, multiplier = text.removesuffix(suffix), factor
                break
        else:
            text = re.sub(r"(円|人|名|社)$", "", text)
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise ValueError
        scaled = float(text) * multiplier if "." in text else int(text) * multiplier
        if isinstance(scaled, float):
            if not scaled.is_integer():
                raise ValueError
            scaled = int(scaled)
        number = scaled
    if number < 0:
        raise ValueError
    return number


def parse_year(value: object) -> int | None:
    """A Western year ("1985", "1985年") or a Japanese era year ("昭和60年", "平成元年", "H2"); None if empty.

    Raises YearError when the text is not a year at all; whether the year is possible is the model
    validator's question.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime | date):
        return value.year
    text = unicodedata.normalize("NFKC", normalize_text(value)).replace(" ", "")
    if not text:
        return None
    if match := _WESTERN_YEAR.match(text):
        return int(match.group(1))
    if match := _ERA_YEAR.match(text):
        era = match.group(1)
        offset = _ERAS.get(era) or _ERAS[era.upper()]
        number = 1 if match.group(2) == "元" else int(match.group(2))
        return offset + number
    raise YearError(text)
