"""Loads the reference data in participants/data/ (JSIC industries, expertise areas, qualifications,
regions, the first pledge and consent-purpose texts). Idempotent: rows are matched by code/version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read(name: str) -> dict[str, Any]:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def load_reference_data(apps: Any = None) -> None:
    """Create or update every reference row. `apps` is the migration state when run from a migration."""
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps

    def model(name: str) -> Any:
        return apps.get_model("participants", name)

    industry = model("Industry")
    majors: dict[str, Any] = {}
    for row in _read("jsic.json")["industries"]:
        parent = majors.get(row["parent"]) if row["parent"] else None
        obj, _created = industry.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "parent": parent}
        )
        if row["parent"] is None:
            majors[row["code"]] = obj

    taxonomy = _read("taxonomy.json")
    for key, name in (("expertise", "ExpertiseArea"), ("qualifications", "Qualification"), ("regions", "Region")):
        for row in taxonomy[key]:
            model(name).objects.update_or_create(
                code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
            )

    policies = _read("policies.json")
    for row in policies["pledges"]:
        model("PledgeVersion").objects.get_or_create(version=row["version"], defaults={"text": row["text"]})
    for row in policies["consent_purposes"]:
        model("ConsentPurpose").objects.get_or_create(version=row["version"], defaults={"text": row["text"]})
