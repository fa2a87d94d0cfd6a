from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from sks.widgets import choice_input_html

register = template.Library()


@register.filter
def bs_widget(field: forms.BoundField) -> SafeString:
    """Render a field's widget with Bootstrap classes, large for legibility, and error attributes."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select form-select-lg"
    else:
        css = "form-control form-control-lg"
    attrs: dict[str, str | bool] = {"class": " ".join(filter(None, [widget.attrs.get("class", ""), css]))}
    describedby = []
    if field.help_text:
        describedby.append(f"{field.auto_id}-help")
    if field.errors:
        attrs["class"] = f"{attrs['class']} is-invalid"
        attrs["aria-invalid"] = "true"
        describedby.append(f"{field.auto_id}-errors")
    if describedby:
        attrs["aria-describedby"] = " ".join(describedby)
    return field.as_widget(attrs=attrs)


@register.simple_tag
def check_tiles(field: forms.BoundField) -> SafeString:
    """The boxes of a multiple-choice field as large tiles, each box inside its label (one big click target).

    Written in Python from Django's own option contexts (sks.widgets): the same tags as Django's
    checkbox_option.html, without one template render per box.
    """
    return format_html_join(
        "",
        '<label class="check-tile" for="{}">{}<span>{}</span></label>',
        ((w.data["attrs"].get("id"), choice_input_html(w.data), w.data["label"]) for w in field),
    )


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def person_name(name: Any) -> SafeString:
    """A person's name that wraps only between family and given name, never inside either.

    Japanese text may break between any two characters, so 「佐々木 真由美」 in a narrow cell can end up as
    「佐々木 真由」/「美」. Each space-separated part goes in a `.name-part` span, which the stylesheets
    (sks.css, timetable_print.css) keep on one line. A name without a space stays whole.
    """
    parts = str(name or "").split()
    return format_html_join(" ", '<span class="name-part">{}</span>', ((part,) for part in parts))
