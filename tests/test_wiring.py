"""Every app wires itself in AppConfig.ready(): panels in panels.py, receivers in receivers.py, Celery tasks in
tasks.py, pages in pages.py, and nothing registers itself by being imported.

Two checks: a scan of the source (what a module does at import, and what views and services may contain at
all), and a look at what is registered at run time (where each panel, receiver and task is defined).
"""

from __future__ import annotations

import ast
import re
import weakref
from pathlib import Path

import pytest
from django.db.models import signals as model_signals

from events.signals import event_status_changed
from participants.dashboard import _PANELS
from participants.services.seniors import senior_anonymised
from sks.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
APPS = ("sks", "participants", "events", "matching", "alumni")

# Where each kind of registration may be written (the module that defines the registry aside).
TASK_DECORATORS = {"shared_task", "task", "mail_task"}
REGISTRIES = {
    "register_dashboard_panel": "panels.py",
    "register_page": "pages.py",
    "register_step": "pages.py",
    "connect": "receivers.py",
    "receiver": "receivers.py",
}
DEFINED_IN = {
    "register_dashboard_panel": "participants/dashboard.py",
    "register_page": "sks/pages.py",
    "register_step": "sks/pages.py",
}


def _source_files() -> list[Path]:
    files: list[Path] = []
    for app in APPS:
        files += [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    return sorted(files)


def _called_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def wiring_problems(source: str, relative: str) -> list[str]:
    """What is wrong with one module's wiring: `relative` is its path from the repository root."""
    tree = ast.parse(source)
    name = relative.rsplit("/", 1)[-1]
    parts = relative.split("/")
    is_view_or_service = any(p in {"views", "services"} for p in parts[:-1]) or name in {"views.py", "services.py"}
    problems: list[str] = []

    # Anything at module level (outside a def) runs on import: no registration may happen there. Django's
    # admin.py is the exception it defines itself (admin.autodiscover imports it for that).
    def module_level(nodes: list[ast.stmt]) -> None:
        if name == "admin.py":
            return
        for stmt in nodes:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                for decorator in stmt.decorator_list:
                    called = _called_name(decorator)
                    if called in REGISTRIES or (called or "").startswith("register"):
                        problems.append(f"{relative}:{stmt.lineno}: @{called} registers on import")
                    if called in TASK_DECORATORS and name != "tasks.py":
                        problems.append(f"{relative}:{stmt.lineno}: a Celery task outside tasks.py")
                continue
            for node in ast.walk(stmt):
                if isinstance(node, ast.Call):
                    called = _called_name(node)
                    if called == "connect" or (called or "").startswith("register"):
                        problems.append(f"{relative}:{node.lineno}: {called}() runs on import")

    module_level(tree.body)

    for node in ast.walk(tree):
        if isinstance(node, ast.Call | ast.FunctionDef | ast.AsyncFunctionDef):
            names = (
                [_called_name(node)] if isinstance(node, ast.Call) else [_called_name(d) for d in node.decorator_list]
            )
            for called in names:
                if called in TASK_DECORATORS and name != "tasks.py" and relative != "sks/tasks.py":
                    problems.append(f"{relative}:{node.lineno}: a Celery task outside tasks.py")
                if called == "shared_task" and relative != "sks/tasks.py":
                    problems.append(f"{relative}:{node.lineno}: use sks.tasks.task or mail_task (one retry policy)")
                if called == "delay_on_commit" and relative != "sks/tasks.py":
                    problems.append(f"{relative}:{node.lineno}: enqueue through sks.tasks.enqueue_on_commit")
                where = REGISTRIES.get(called or "")
                if where and name != where and relative != DEFINED_IN.get(called or "") and name != "apps.py":
                    problems.append(f"{relative}:{node.lineno}: {called} belongs in {where}")
                if is_view_or_service and (called in REGISTRIES or called in TASK_DECORATORS):
                    problems.append(f"{relative}:{node.lineno}: a view or service module wires ({called})")
        star = isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
        if star and not relative.endswith("models/__init__.py"):
            problems.append(f"{relative}:{node.lineno}: import *")
    return problems


def test_wiring_is_only_in_its_own_modules():
    problems: list[str] = []
    for path in _source_files():
        problems += wiring_problems(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert problems == []


def test_import_star_only_in_models_packages():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "var", "static", "node_modules"} or "migrations" in relative.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            star = isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
            if star and not str(relative).endswith("models/__init__.py"):
                offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize(
    ("relative", "source"),
    [
        (
            "events/views/events.py",
            "from participants.dashboard import register_dashboard_panel\n"
            "@register_dashboard_panel\ndef panel(request, user):\n    return None\n",
        ),
        (
            "events/services/selection.py",
            "from events.signals import event_status_changed\n"
            "def on_close(**kwargs):\n    pass\n"
            "event_status_changed.connect(on_close)\n",
        ),
        (
            "participants/services/contacts.py",
            "from celery import shared_task\n@shared_task\ndef task_send(*, contact_id):\n    return True\n",
        ),
        ("participants/views/__init__.py", "from .companies import *\n"),
        ("matching/tasks.py", "from celery import shared_task\n@shared_task(max_retries=3)\ndef task_x():\n    pass\n"),
        ("matching/services/build.py", "def f(t):\n    t.delay_on_commit(timetable_id=1)\n"),
        (
            "events/panels.py",
            "from participants.dashboard import register_dashboard_panel\n"
            "def panel(request, user):\n    return None\nregister_dashboard_panel(panel)\n",
        ),
    ],
)
def test_wiring_scan_catches_registration_on_import(relative, source):
    """The scan above is not vacuous: each of the habits this replaced is reported."""
    assert wiring_problems(source, relative) != []


def test_wiring_scan_accepts_the_ready_pattern():
    source = (
        "from participants.dashboard import register_dashboard_panel\n"
        "def panel(request, user):\n    return None\n"
        "def register_panels():\n    register_dashboard_panel(panel)\n"
    )
    assert wiring_problems(source, "events/panels.py") == []


def _our_module(module: str) -> bool:
    return module.split(".", 1)[0] in APPS


def test_registered_panels_are_defined_in_panels_modules():
    modules = {function.__module__ for function in _PANELS}
    assert modules == {"participants.panels", "events.panels", "matching.panels"}


def test_connected_receivers_are_defined_in_receivers_modules():
    signals = [event_status_changed, senior_anonymised]
    signals += [
        getattr(model_signals, n) for n in ("pre_save", "post_save", "pre_delete", "post_delete", "m2m_changed")
    ]
    modules = set()
    for signal in signals:
        for entry in signal.receivers:
            receiver = entry[1]() if isinstance(entry[1], weakref.ReferenceType) else entry[1]
            module = getattr(receiver, "__module__", "") or ""
            if _our_module(module):
                modules.add(module)
    assert all(module.endswith(".receivers") for module in modules), modules
    assert "matching.receivers" in modules


def test_celery_tasks_are_defined_in_tasks_modules():
    celery_app.autodiscover_tasks(force=True)  # what a worker imports at start: every app's tasks.py
    ours = {name for name in celery_app.tasks if _our_module(name)}
    assert ours, "no task of this project is registered"
    assert {name.rsplit(".", 1)[0] for name in ours} <= {f"{app}.tasks" for app in APPS}


def test_settings_create_no_directories():
    """Reading the settings has no side effect on the disk (SksConfig.ready() makes var/ and staticfiles/)."""
    tree = ast.parse((ROOT / "sks" / "settings.py").read_text(encoding="utf-8"))
    calls = {_called_name(node) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert calls & {"mkdir", "makedirs", "touch", "write_text", "write_bytes", "open"} == set()


def test_every_type_ignore_gives_its_reason():
    """STYLE.md: every `# type: ignore` carries its reason (a comment after it on the same line)."""
    missing = []
    for path in [*_source_files(), *sorted((ROOT / "tests").rglob("*.py")), *sorted((ROOT / "bench").rglob("*.py"))]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if "type: ignore" in line and not re.search(r"type: ignore\[[^\]]+\]\s+#\s*\S", line):
                missing.append(f"{path.relative_to(ROOT)}:{number}")
    missing = [m for m in missing if not m.startswith("tests/test_wiring.py")]
    assert missing == []


def test_views_build_no_query_of_their_own():
    """Views fetch through access selectors (STYLE.md rule 3): no `Model.objects...` in a view module, except
    an empty queryset."""
    offenders = []
    for path in _source_files():
        relative = str(path.relative_to(ROOT))
        if "/views/" not in relative and not relative.endswith("views.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr in {"objects", "unscoped"}
                and node.attr != "none"
            ):
                offenders.append(f"{relative}:{node.lineno}: {node.value.attr}.{node.attr}")
    assert offenders == []
