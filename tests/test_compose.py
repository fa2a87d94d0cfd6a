"""docker-compose.yml, the Dockerfile and .env.example checked against the code they start.

No Docker engine runs in CI, so the files are parsed and every command they name is resolved the way
gunicorn, celery and manage.py would resolve it.
"""

import importlib
import json
import re
import shlex
from pathlib import Path

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
APP_SERVICES = ["migrate", "web", "worker", "beat"]
LONG_RUNNING_APP_SERVICES = ["web", "worker", "beat"]

SETTINGS_VARIABLE = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
# `NAME=value`, or `# NAME=value` for a variable shown with its default.
ENV_EXAMPLE_VARIABLE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
GUNICORN_APP = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


def _command(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def _environment(service: str) -> dict[str, str]:
    environment = SERVICES[service].get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {name: str(value) for name, value in environment.items()}


def _dockerfile_cmd() -> list[str]:
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    cmd_lines = [line for line in lines if line.startswith("CMD ")]
    return json.loads(cmd_lines[-1].removeprefix("CMD "))


def _assert_gunicorn_target_imports(command: list[str]) -> None:
    targets = [part for part in command[1:] if GUNICORN_APP.match(part)]
    assert len(targets) == 1, command
    module_name, attribute = targets[0].split(":")
    module = importlib.import_module(module_name)
    assert callable(getattr(module, attribute))


def _settings_variables() -> set[str]:
    return set(SETTINGS_VARIABLE.findall((ROOT / "sks" / "settings.py").read_text(encoding="utf-8")))


def _env_example_variables() -> set[str]:
    return set(ENV_EXAMPLE_VARIABLE.findall((ROOT / ".env.example").read_text(encoding="utf-8")))


def test_compose_services_all_present():
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= set(SERVICES)


@pytest.mark.parametrize(
    ("service", "probe"),
    [("postgres", "pg_isready -U sks -d sks"), ("redis", "redis-cli ping")],
)
def test_compose_backing_service_has_healthcheck(service, probe):
    test = SERVICES[service]["healthcheck"]["test"]
    command = test[1] if test[0] == "CMD-SHELL" else " ".join(test[1:])
    assert command == probe


def test_compose_postgres_data_is_named_volume():
    assert SERVICES["postgres"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]
    assert "pgdata" in COMPOSE["volumes"]


def test_compose_beat_runs_exactly_once():
    beat_services = [name for name in SERVICES if "command" in SERVICES[name] and "beat" in _command(name)]
    assert beat_services == ["beat"]
    replicas = SERVICES["beat"].get("deploy", {}).get("replicas", 1)
    assert replicas == 1
    assert "scale" not in SERVICES["beat"]


@pytest.mark.parametrize("service", LONG_RUNNING_APP_SERVICES)
def test_compose_app_service_waits_for_healthy_backing_services(service):
    depends_on = SERVICES[service]["depends_on"]
    assert depends_on["postgres"] == {"condition": "service_healthy"}
    assert depends_on["redis"] == {"condition": "service_healthy"}


@pytest.mark.parametrize("service", LONG_RUNNING_APP_SERVICES)
def test_compose_app_service_waits_for_migrations(service):
    assert SERVICES[service]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


@pytest.mark.parametrize("service", APP_SERVICES)
def test_compose_app_service_environment_points_at_compose_backends(service):
    assert SERVICES[service]["env_file"] == ".env"
    environment = _environment(service)
    assert environment["DJANGO_ENV"] == "production"
    assert environment["DATABASE_URL"] == "postgres://sks:sks@postgres:5432/sks"
    assert environment["REDIS_URL"] == "redis://redis:6379/0"


def test_compose_web_gunicorn_target_imports():
    command = _command("web")
    assert command[0] == "gunicorn"
    _assert_gunicorn_target_imports(command)


def test_compose_web_healthcheck_hits_healthz_url():
    probe = " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in probe
    assert resolve("/healthz").url_name == "healthz"


def test_compose_web_healthcheck_probe_is_valid_python():
    test = SERVICES["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    compile(test[3], "<healthcheck>", "exec")


@pytest.mark.parametrize(("service", "subcommand"), [("worker", "worker"), ("beat", "beat")])
def test_compose_celery_app_is_celery_instance(service, subcommand):
    command = _command(service)
    assert command[:3] == ["celery", "-A", "sks"]
    assert command[3] == subcommand
    assert isinstance(find_app(command[2]), Celery)


def test_compose_migrate_runs_real_management_command():
    command = _command("migrate")
    assert command[:3] == ["python", "manage.py", "migrate"]
    assert (ROOT / "manage.py").is_file()
    assert command[2] in get_commands()


@pytest.mark.parametrize("service", APP_SERVICES)
def test_compose_app_service_command_resolves(service):
    command = _command(service)
    if command[0] == "gunicorn":
        _assert_gunicorn_target_imports(command)
    elif command[0] == "celery":
        assert isinstance(find_app(command[command.index("-A") + 1]), Celery)
    else:
        assert command[:2] == ["python", "manage.py"]
        assert command[2] in get_commands()


def test_dockerfile_cmd_gunicorn_target_imports():
    command = _dockerfile_cmd()
    assert command[0] == "gunicorn"
    _assert_gunicorn_target_imports(command)


def test_dockerfile_runs_as_non_root_user():
    users = re.findall(r"^USER\s+(\S+)", (ROOT / "Dockerfile").read_text(encoding="utf-8"), re.MULTILINE)
    assert users == ["sks"]


def test_dockerfile_installs_japanese_fonts():
    assert "fonts-noto-cjk" in (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_env_example_documents_exactly_the_settings_variables():
    assert _env_example_variables() == _settings_variables()


def test_settings_variables_parser_finds_known_variables():
    # Guards the regular expression itself: an empty match on both sides would pass the test above.
    known = {"DJANGO_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DEBUG"}
    assert known <= _settings_variables()
