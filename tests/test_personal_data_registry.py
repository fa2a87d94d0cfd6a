"""Every model that refers to a person is declared in the personal-data registry (sks.personal_data), field
by field, so that export and erasure cannot forget it. Later apps (alumni, regional) too."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from participants.models import SeniorProfile, User
from sks.personal_data import entries, entry_for

PROJECT_APPS = ("sks", "participants", "events", "matching", "alumni", "regional")
PERSON_MODELS = (User, SeniorProfile)


def person_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every foreign key, one-to-one or many-to-many of a project model to the user
    or the senior profile."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model in (User,):
            continue
        for field in model._meta.get_fields():
            if not ((field.is_relation and field.concrete) or field.many_to_many) or field.auto_created:
                continue
            if field.related_model in PERSON_MODELS:
                found.append((model, field.name))
    return found


def test_person_fields_are_found():
    # The scan itself works: it sees the fields the registry is about (a broken scan would pass vacuously).
    fields = set(person_fields())
    assert {
        (SeniorProfile, "user"),
        (apps.get_model("matching", "InterviewResult"), "senior"),
        (apps.get_model("matching", "SurveyResponse"), "user"),
    } <= fields


@pytest.mark.parametrize(
    ("model", "field_name"), person_fields(), ids=lambda v: v._meta.label if isinstance(v, type) else v
)
def test_every_reference_to_a_person_is_registered(model, field_name):
    entry = entry_for(model)

    assert entry is not None, (
        f"{model._meta.label} refers to a person ({field_name}) but is not registered: declare it in "
        f"{model._meta.app_label}/personal_data.py (sks.personal_data.register, from the AppConfig.ready())"
    )
    declared = {path.split("__")[0] for path in entry.person} | set(entry.actors)
    assert field_name in declared, (
        f"{model._meta.label}.{field_name} refers to a person but its entry declares it neither as the person "
        "nor as a kept actor reference"
    )


def test_registered_fields_exist():
    for entry in entries():
        names = {f.name for f in entry.model._meta.get_fields()}
        for name in (*entry.text_fields, *entry.actors, *(p.split("__")[0] for p in entry.person)):
            assert name in names, f"{entry.model._meta.label} has no field {name}"
