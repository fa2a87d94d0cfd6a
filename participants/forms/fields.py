"""Form fields shared by the participants forms: numbers and years as people in Japan type them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..normalize import YearError, parse_year


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
