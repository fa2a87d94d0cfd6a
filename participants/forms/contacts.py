"""The form bank staff use to invite a client company's contact (its own login)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CompanyContactInviteForm(forms.Form):
    name = forms.CharField(
        label=_("お名前"),
        max_length=100,
        help_text=_("通常は代表者（社長）のお名前です。"),
        error_messages={"required": _("お名前を入力してください。")},
    )
    email = forms.EmailField(
        label=_("メールアドレス"),
        max_length=254,
        help_text=_("このアドレスに、パスワードを設定するためのリンクをお送りします。"),
        error_messages={
            "required": _("メールアドレスを入力してください。"),
            "invalid": _("メールアドレスの形式が正しくありません（例：president@example.co.jp）。"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
