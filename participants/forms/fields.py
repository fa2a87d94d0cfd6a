"""Form fields shared by the participants forms: years and kana readings as people in Japan type them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..normalize import YearError, normalize_kana, parse_year
from ..validators import validate_katakana


class YearField(forms.IntegerField):
    """A year typed as 西暦 or 和暦: '1958', '１９５８年', '昭和33年', 'S33', '平成元年'.

    Whether the year is possible is left to validators or the form, which know what the year is of.
    """

    widget = forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off", "class": "input-year"})
    default_error_messages = {
        "invalid": _("西暦4桁（例：1958）または和暦（例：昭和33年）で入力してください。"),
    }

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        try:
            return parse_year(value)
        except YearError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class KanaField(forms.CharField):
    """A reading in katakana (氏名（カナ）, 企業名（カナ）): every kana field of every form is one of these.

    What is typed is normalised first (participants.normalize.normalize_kana: hiragana and half-width
    katakana become full-width katakana, full-width spaces half-width), then checked, so 「やまだ たろう」 and
    「ﾔﾏﾀﾞ ﾀﾛｳ」 are both saved as 「ヤマダ タロウ」, exactly as a file import saves them.
    """

    default_validators = [validate_katakana]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("カタカナで入力してください。ひらがなで入力しても自動でカタカナにします。"))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return normalize_kana(text) if text else text
