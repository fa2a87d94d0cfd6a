"""Forms of the coordinator's timetable pages: create (time limit), and the small per-meeting edit forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.services.build import MAX_TIME_LIMIT, MIN_TIME_LIMIT

EDIT_ACTIONS = ("move", "swap", "remove", "pin", "unpin")


class TimetableCreateForm(forms.Form):
    time_limit = forms.IntegerField(
        label=_("計算の制限時間（秒）"),
        min_value=MIN_TIME_LIMIT,
        max_value=MAX_TIME_LIMIT,
        initial=20,
        help_text=_("長いほど良い時間割になりやすくなります。通常は20秒で十分です。"),
        error_messages={"required": _("制限時間を入力してください。"), "invalid": _("秒数を数字で入力してください。")},
    )


class MeetingEditForm(forms.Form):
    """One action on one meeting: move (to `slot`, a 1-based round), swap (with `other`), remove, pin, unpin."""

    action = forms.ChoiceField(choices=[(a, a) for a in EDIT_ACTIONS])
    slot = forms.IntegerField(required=False, min_value=1, label=_("移動先の回"))
    other = forms.IntegerField(required=False, min_value=1, label=_("入れ替える面談"))

    def __init__(self, *args: object, slots: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form.__init__'s parameters are typed one by one; these are passed through unchanged
        self.slots = slots

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        action = data.get("action")
        if action == "move":
            slot = data.get("slot")
            if not isinstance(slot, int) or not 1 <= slot <= self.slots:
                self.add_error("slot", _("移動先の回を第1回〜第%(n)s回から選んでください。") % {"n": self.slots})
        if action == "swap" and not data.get("other"):
            self.add_error("other", _("入れ替える面談を選んでください。"))
        return data


class MeetingAddForm(forms.Form):
    """Add a requested pair (`pair` = "<enrolment id>:<senior profile id>") in a round (1-based)."""

    pair = forms.RegexField(
        regex=r"^\d{1,12}:\d{1,12}$",
        label=_("企業と新現役"),
        error_messages={
            "required": _("企業と新現役の組み合わせを選んでください。"),
            "invalid": _("企業と新現役の組み合わせを選んでください。"),
        },
    )
    slot = forms.IntegerField(
        min_value=1,
        label=_("回"),
        error_messages={"required": _("回を選んでください。"), "invalid": _("回を選んでください。")},
    )

    def __init__(self, *args: object, slots: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form.__init__'s parameters are typed one by one; these are passed through unchanged
        self.slots = slots

    def clean_slot(self) -> int:
        slot = self.cleaned_data["slot"]
        if slot > self.slots:
            raise forms.ValidationError(_("回を第1回〜第%(n)s回から選んでください。") % {"n": self.slots})
        return int(slot)

    def ids(self) -> tuple[int, int]:
        enrolment_id, senior_id = self.cleaned_data["pair"].split(":")
        return int(enrolment_id), int(senior_id)
