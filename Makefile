# Marelle — two commands: `make demo` (run the demo portal) and `make test` (run every test).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: demo test bench install install-dev lint format messages run clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

messages: $(VENV)/.installed
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv -v 0; \
	else echo "(msgfmt missing: apt-get install gettext for the English translation)"; fi

demo: install messages
	mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput -v 0
	DEBUG=1 $(PY) manage.py load_demo
	@echo "Marelle demo: http://$(HOST):$(PORT)/  (Ctrl-C to stop; mails are written to var/mail/)"
	@echo "Logins (password marelle-demo): ztest@example.org or 381623867924, agent.chatte@example.org, admin@example.org"
	# The notification worker (django-tasks' db_worker) runs beside the server and stops with it.
	DEBUG=1 $(PY) manage.py db_worker --no-reload -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Serial: on a 2-core machine -n 2 measured slower (2m45 vs 2m11: each worker starts its own
# chromium, live server and race databases). PYTEST_ARGS="-n auto" on a bigger machine.
test: install-dev messages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The opening minute on this machine (PostgreSQL, Redis, gunicorn, wrk): a table and var/bench.json.
# `make bench ARGS=--quick` is the few-seconds version the test suite runs.
bench: install-dev messages
	$(PY) -m bench.run $(ARGS)

lint: install-dev
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache
