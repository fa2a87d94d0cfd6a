"""Kana the same everywhere: one field (KanaField, on participants.normalize.normalize_kana) in every form
that asks for a reading, so what the senior wizard and the company form accept, sign-up and the staff
invitation accept too, and the file import saves the same value."""

from __future__ import annotations

import inspect

import pytest
from django import forms
from django.utils import translation

import participants.forms as participant_forms
from participants.forms.accounts import InvitationAcceptForm, SeniorSignupExtraForm
from participants.forms.companies import CompanyForm
from participants.forms.fields import KanaField
from participants.forms.seniors import BasicInfoForm
from participants.normalize import normalize_kana


def _forms_with_kana() -> list[type[forms.BaseForm]]:
    found = []
    for module in (participant_forms.accounts, participant_forms.companies, participant_forms.seniors):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            own_form = issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
            if own_form and any("kana" in name for name in cls.base_fields):
                found.append(cls)
    return found


def test_kana_every_form_that_asks_for_a_reading_uses_the_one_kana_field():
    kana_forms = _forms_with_kana()

    assert {SeniorSignupExtraForm, InvitationAcceptForm, BasicInfoForm, CompanyForm} <= set(kana_forms)
    assert {
        (cls.__name__, name): type(field).__name__
        for cls in kana_forms
        for name, field in cls.base_fields.items()
        if "kana" in name
    } == {(cls.__name__, name): "KanaField" for cls in kana_forms for name in cls.base_fields if "kana" in name}


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("やまだ たろう", "ヤマダ タロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
        ("  ヤマダ\u3000タロウ  ", "ヤマダ タロウ"),
        ("かぶしきがいしゃ・えーびーしー", "カブシキガイシャ・エービーシー"),
        ("ゔぁいおりん", "ヴァイオリン"),
    ],
)
def test_kana_field_normalises_like_the_file_import(typed, saved):
    assert KanaField().clean(typed) == saved == normalize_kana(typed)


@pytest.mark.parametrize("typed", ["山田", "Yamada", "ヤマダ1"])
def test_kana_field_refuses_what_is_not_kana_in_japanese(typed):
    with translation.override("ja"), pytest.raises(forms.ValidationError) as exc:
        KanaField().clean(typed)

    assert exc.value.messages == ["全角カタカナで入力してください（例：ヤマダ タロウ）。"]


def test_kana_field_optional_stays_empty():
    assert KanaField(required=False).clean("") == ""
