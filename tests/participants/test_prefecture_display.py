"""get_prefecture_display, written once for every model with a prefecture, says what Django's said."""

from __future__ import annotations

import pytest
from django.utils import translation

from events.models import Event
from participants.models import PREFECTURE_CHOICES, Branch, Company, Organization, SeniorProfile


@pytest.mark.parametrize("model", [SeniorProfile, Company, Organization, Branch, Event])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_prefecture_display_is_djangos(model, language):
    field = model._meta.get_field("prefecture")
    assert model.get_prefecture_display is not None
    assert "get_prefecture_display" in model.__dict__  # ours, not the one Django adds
    with translation.override(language):
        for code in [c for c, _ in PREFECTURE_CHOICES] + ["", "99"]:
            row = model(prefecture=code)
            assert row.get_prefecture_display() == row._get_FIELD_display(field)
