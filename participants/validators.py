import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Full-width katakana, the long-vowel mark, middle dot and spaces (half- or full-width).
_KANA_RE = re.compile(r"^[\u30A0-\u30FF\u31F0-\u31FF\u3000 ・ー]+$")


def validate_katakana(value: str) -> None:
    if value and not _KANA_RE.match(value):
        raise ValidationError(_("全角カタカナで入力してください（例：ヤマダ タロウ）。"), code="not_katakana")
