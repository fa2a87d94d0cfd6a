"""sks.widgets writes the same HTML as Django's templates (compared as HTML, whitespace aside)."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template
from django.test.html import parse_html

from sks.widgets import FastSelect

pytestmark = pytest.mark.django_db

CHOICES = [("", "指定しない"), ("13", "東京都"), ("27", "大阪府 <&>"), ("47", "沖縄県")]
GROUPED = [("", "—"), ("関東", [("13", "東京都"), ("14", "神奈川県")]), ("47", "沖縄県")]


class _Form(forms.Form):
    fast = forms.ChoiceField(choices=CHOICES, required=False, widget=FastSelect(attrs={"class": "form-select"}))
    django = forms.ChoiceField(choices=CHOICES, required=False, widget=forms.Select(attrs={"class": "form-select"}))
    fast_grouped = forms.ChoiceField(choices=GROUPED, required=False, widget=FastSelect)
    django_grouped = forms.ChoiceField(choices=GROUPED, required=False, widget=forms.Select)
    boxes = forms.MultipleChoiceField(
        choices=[("1", "月"), ("2", "火 <b>"), ("3", "水")],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )


def _same_as_django(form: _Form, fast: str, django: str) -> None:
    html = form[fast].as_widget(attrs={"aria-describedby": "x-help", "disabled": True, "data-off": False})
    reference = form[django].as_widget(attrs={"aria-describedby": "x-help", "disabled": True, "data-off": False})
    assert parse_html(html.replace(f'"{fast}"', '"NAME"').replace(f"id_{fast}", "id_NAME")) == parse_html(
        reference.replace(f'"{django}"', '"NAME"').replace(f"id_{django}", "id_NAME")
    )


@pytest.mark.parametrize("value", ["", "13", "27", "99"])
def test_fast_select_writes_what_djangos_select_writes(value):
    form = _Form({"fast": value, "django": value, "fast_grouped": value, "django_grouped": value})
    _same_as_django(form, "fast", "django")
    _same_as_django(form, "fast_grouped", "django_grouped")
    assert "大阪府 &lt;&amp;&gt;" in form["fast"].as_widget()


def test_fast_select_marks_the_chosen_option():
    html = _Form({"fast": "27"})["fast"].as_widget()
    assert '<option value="27" selected>' in html
    assert html.count("selected") == 1


@pytest.mark.parametrize("ticked", [[], ["2"], ["1", "3"]])
def test_check_tiles_write_what_the_template_loop_wrote(ticked):
    field = _Form({"boxes": ticked})["boxes"]
    fast = Template("{% load sks_tags %}{% check_tiles field %}").render(Context({"field": field}))
    loop = Template(
        '{% for option in field %}<label class="check-tile" for="{{ option.id_for_label }}">{{ option.tag }}'
        "<span>{{ option.choice_label }}</span></label>{% endfor %}"
    ).render(Context({"field": field}))
    assert parse_html(fast) == parse_html(loop)
    assert fast.count("checked") == len(ticked)
    assert "火 &lt;b&gt;" in fast
