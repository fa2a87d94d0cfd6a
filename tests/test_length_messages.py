"""Length limits speak Japanese with full-width brackets, on every form."""

import pytest
from django import forms

from participants.forms.accounts import InvitationAcceptForm


class _Note(forms.Form):
    code = forms.CharField(min_length=4, max_length=6)


def test_form_too_long_value_gets_the_japanese_message():
    form = _Note(data={"code": "1234567"})

    assert form.errors == {"code": ["6 文字以内で入力してください（現在 7 文字）。"]}


def test_form_too_short_value_gets_the_japanese_message():
    form = _Note(data={"code": "12"})

    assert form.errors == {"code": ["4 文字以上で入力してください（現在 2 文字）。"]}


@pytest.mark.django_db
def test_product_form_name_too_long_gets_full_width_brackets():
    form = InvitationAcceptForm(data={"email": "a@example.jp", "name": "山" * 101, "name_kana": "ヤマ"})

    assert form.errors["name"] == ["100 文字以内で入力してください（現在 101 文字）。"]
