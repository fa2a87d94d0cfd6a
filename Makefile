# SKS platform. `make run` serves the demo; `make test` runs the whole suite. Nothing else is needed
# but Python 3.11+ with venv (Debian/Ubuntu: the python3-venv package).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Mail links (invitations, schedules, password resets) start with SITE_URL. Under `make run` they point at
# the server it starts (http://$(HOST):$(PORT)), unless SITE_URL is set in the environment or in .env.
ENV_SITE_URL := $(shell sed -n 's/^SITE_URL=//p' .env 2>/dev/null | tail -n 1 | tr -d "\"'")
RUN_SITE_URL := $(or $(SITE_URL),$(ENV_SITE_URL),http://$(HOST):$(PORT))

.PHONY: run site-url test install install-dev migrate demo lint typecheck messages vendor ci clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 以上が必要です / Python 3.11+ is required")'
	@$(PYTHON) -m venv $(VENV) || { echo "venv を作れません。Debian/Ubuntu では: sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

## run: install, migrate, seed the demo if the database is empty, serve on http://$(HOST):$(PORT)
## (make run PORT=8101 HOST=0.0.0.0; mail links follow unless SITE_URL is set)
run: migrate
	$(BIN)/python manage.py seed_demo --if-empty
	@echo "SITE_URL=$(RUN_SITE_URL)"
	SITE_URL="$(RUN_SITE_URL)" $(BIN)/python manage.py runserver $(HOST):$(PORT)

## site-url: print the SITE_URL `make run` would serve with
site-url:
	@echo "$(RUN_SITE_URL)"

## demo: (re)build the demo data; idempotent
demo: migrate
	$(BIN)/python manage.py seed_demo

## test: install with dev dependencies and run the whole suite, in parallel (pytest-xdist): one pytest worker
## per core by default (make test PYTEST_WORKERS=1 for one, PYTEST_WORKERS=0 for no workers at all). Tests
## marked with an xdist_group (the real Celery worker's) stay together on one worker. PYTEST_ARGS go to
## pytest as they are: make test PYTEST_ARGS='-m "not browser"', PYTEST_ARGS='-k matrix -x'.
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?=
test: install-dev
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy

## messages: extract and compile the translation catalogs (needs GNU gettext)
messages: install
	$(BIN)/python manage.py makemessages -l ja -l en --no-obsolete -i ".venv/*" -i "staticfiles/*" -i "var/*"
	$(BIN)/python manage.py compilemessages -i ".venv" -i "staticfiles"

## vendor: refresh static/vendor from the npm registry (versions in static/vendor/README.md)
vendor:
	rm -rf var/npm && mkdir -p var/npm
	cd var/npm && npm pack --silent bootstrap@5.3.8 htmx.org@2.0.11 axe-core@4.14.1 >/dev/null && for f in *.tgz; do mkdir -p "$${f%.tgz}" && tar xzf "$$f" -C "$${f%.tgz}"; done
	cp var/npm/bootstrap-5.3.8/package/dist/css/bootstrap.min.css* var/npm/bootstrap-5.3.8/package/dist/js/bootstrap.bundle.min.js* static/vendor/bootstrap/
	cp var/npm/htmx.org-2.0.11/package/dist/htmx.min.js static/vendor/htmx/
	cp var/npm/axe-core-4.14.1/package/axe.min.js static/vendor/axe-core/

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
