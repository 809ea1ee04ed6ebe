# The two commands a newcomer needs: `make run` and `make test`. Only Python is required; the
# Makefile creates the virtualenv, installs the project and, for browser tests, Debian's chromium.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Development defaults; production sets its own environment (README, "Configuration").
export DJANGO_DEBUG ?= true

# Production-like settings for `check --deploy` (throwaway secrets, never used to serve).
DEPLOY_ENV := DJANGO_DEBUG=false DJANGO_SECRET_KEY=check-deploy-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ARP_PSEUDONYMISATION_KEY=check-deploy-key DJANGO_ALLOWED_HOSTS=arp.example.org \
	DJANGO_CSRF_TRUSTED_ORIGINS=https://arp.example.org

.PHONY: install lock run worker serve migrate demo test test-fast lint typecheck format check-deploy browser assets \
	bench-survey bench-dashboards bench-actions bench-disclosure screens bench-front-door clean

# Exact versions from requirements.lock (made by `make lock` from pyproject.toml's ranges), so
# two installs a month apart are the same; the project itself is installed without dependencies.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

# Re-resolve requirements.lock from pyproject.toml (after changing a dependency, or to take
# upgrades on purpose); commit the result.
lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --upgrade --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements.lock pyproject.toml

migrate: install
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py load_demo_data

run: demo
	@echo ""
	@echo "  ARP portal: http://$(HOST):$(PORT)/"
	@echo "  Demo sign-ins (password for each: demoshire-portal-2026):"
	@echo "    service.manager   reads dashboards, survey results and the action plan"
	@echo "    steering.member   also edits the action plan"
	@echo "    data.manager      also imports data, runs surveys and audits, manages users"
	@echo "    practice.auditor  records the practice audits assigned to them"
	@echo "  The staff survey needs no sign-in: http://$(HOST):$(PORT)/surveys/experiences-of-racism-2026/"
	@echo "  A task worker runs beside the server (background work after imports, clean-ups)."
	@echo ""
	@$(PY) manage.py housekeeping --schedule
	@$(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The task worker alone (a second terminal, or production beside gunicorn).
worker: migrate
	$(PY) manage.py housekeeping --schedule
	$(PY) manage.py db_worker --no-reload

serve: install
	$(PY) manage.py runserver $(HOST):$(PORT)

# Debian's chromium for the browser tests: Playwright drives it by path, never downloads one.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests ..."; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Connections are not kept between requests in tests: the live server's request threads would
# otherwise hold the test database open when pytest drops it.
test: install browser
	DJANGO_CONN_MAX_AGE=0 $(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# Without the browser tests, for a quick loop while coding.
test-fast: install
	DJANGO_CONN_MAX_AGE=0 $(PY) -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)

# Type checks (mypy with django-stubs; strict on arp_portal/statistics; pyproject.toml). The
# django-stubs plugin loads the settings, which need DJANGO_DEBUG=true (or production's secrets)
# to load: set here whatever the environment says, as the checks never serve a request.
MYPY := DJANGO_DEBUG=true $(BIN)/mypy arp_portal surveys dashboards actions

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(MYPY)

typecheck: install
	$(MYPY)

check-deploy: install
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh GOV.UK Frontend and plotly.js under static/vendor from the npm registry (needs Node).
assets:
	scripts/refresh_frontend_assets.sh

# Children's dashboard at national scale (issue 4): 1,000,000 synthetic children in a database of
# its own (BENCH_DATABASE_URL, default arp_bench_dashboards on 127.0.0.1), dropped at the end.
# BENCH_ARGS="--children 200000 --imports-only" times the imports alone, smaller.
bench-dashboards: install
	$(PY) scripts/bench_dashboards.py $(BENCH_ARGS)

# Screenshots of the main pages at 1280 and 375 px into var/screens/ (not committed), from the
# demo data, with each page's document width (a page wider than 375 px scrolls sideways).
screens: demo browser
	$(PY) scripts/screens.py

# The front door at national scale (issue 13): 3,000,000 contacts and 1,000,000 children in a
# database of its own (BENCH_DATABASE_URL, default arp_bench_front_door), dropped at the end.
bench-front-door: install
	$(PY) scripts/bench_front_door.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache

# Disclosure control's information loss and cost on the demo data (issue 15; docs/adr/050):
# load the demo data into a database of its own (DATABASE_URL) first, as `make demo` does.
bench-disclosure: demo
	$(PY) scripts/bench_disclosure.py

# The workforce dashboard's p95 at 1,500 staff (the demo data, in BENCH_DATABASE_URL, default
# arp_bench_workforce), beside a trivial page's in the same run (docs/workforce.md).
bench-workforce: install
	$(PY) scripts/bench_workforce.py $(BENCH_ARGS)

# The action plan's overview and list at 2,000 actions and 20,000 updates (target p95 <= 150 ms).
bench-actions: migrate
	$(PY) scripts/bench_actions.py $(BENCH_ARGS)

# The survey intake over HTTP against gunicorn on 127.0.0.1:8300, and the results page at
# 100,000 responses (docs/surveys.md, "Speed"). BENCH_ARGS="--duration 60 --clients 12" to vary.
bench-survey: install
	$(PY) scripts/bench_survey.py $(BENCH_ARGS)
