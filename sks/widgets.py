"""Choice widgets written out in Python: the same HTML as Django's templates, without a template per option.

Django renders a <select> with one template render per <option> (select.html includes select_option.html,
which includes attrs.html), and a checkbox list with one per box. On the senior search's filter form
(4 lists, 21 areas, 7 weekdays: about 150 options) that was 10 ms of the page's 24 ms of rendering. These
widgets keep Django's own context (`get_context`: names, ids, selected options, attributes, all decided by
Django as before) and only write the tags in Python, as Django's templates write them:

    <select name="…" class="…" id="…"><option value="" selected>指定しない</option>…</select>
    <input type="checkbox" name="…" value="…" class="…" id="…" checked>

Everything is escaped through format_html. `attrs_html` writes attributes as attrs.html does: False leaves
the attribute out, True writes it bare, anything else as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

__all__ = ["FastSelect", "attrs_html", "choice_input_html"]


def attrs_html(attrs: Mapping[str, Any]) -> SafeString:
    """` name="value"` for each attribute, as django/forms/widgets/attrs.html writes them."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)))
    return mark_safe("".join(parts))  # noqa: S308  (every part went through format_html)


def choice_input_html(option: Mapping[str, Any]) -> SafeString:
    """One checkbox or radio button from its option context, as input_option.html writes it."""
    value = option["value"]
    value_html = format_html(' value="{}"', str(value)) if value is not None else ""
    return format_html(
        '<input type="{}" name="{}"{}{}>', option["type"], option["name"], value_html, attrs_html(option["attrs"])
    )


class FastSelect(forms.Select):
    """A single-choice <select>, written in Python (see the module docstring)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [format_html('<select name="{}"{}>', widget["name"], attrs_html(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    str(option["value"]),
                    attrs_html(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every part went through format_html)
