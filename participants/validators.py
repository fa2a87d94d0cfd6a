import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.jp import cn

# Full-width katakana, the long-vowel mark, middle dot and spaces (half- or full-width).
_KANA_RE = re.compile(r"^[\u30A0-\u30FF\u31F0-\u31FF\u3000 ・ー]+$")


def validate_katakana(value: str) -> None:
    if value and not _KANA_RE.match(value):
        raise ValidationError(_("全角カタカナで入力してください（例：ヤマダ タロウ）。"), code="not_katakana")


def validate_corporate_number(value: str) -> None:
    """法人番号: 13 digits whose first digit is a check digit over the other twelve (国税庁 rule)."""
    if not value:
        return
    if len(value) != 13 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("法人番号は13桁の半角数字で入力してください。"), code="corporate_number_format")
    # The check digit (国税庁's rule) as python-stdnum computes it; the format was checked above, so that
    # the two messages stay distinct.
    if value[0] != cn.calc_check_digit(value[1:]):
        raise ValidationError(
            _("法人番号の検査用数字（先頭の1桁）が合いません。番号をご確認ください。"), code="corporate_number_check"
        )


def validate_year(value: int | None) -> None:
    from django.utils import timezone

    if value is None:
        return
    this_year = timezone.localdate().year
    if not 1868 <= value <= this_year:
        raise ValidationError(
            _("%(year)s年はありえない年です。西暦4桁（1868〜%(max)s）で入力してください。"),
            code="impossible_year",
            params={"year": value, "max": this_year},
        )
