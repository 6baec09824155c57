# Two commands: `make run` serves the app, `make test` checks and tests it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make run PORT=8100` when 8000 is taken.
PORT ?= 8000

.PHONY: run test worker beat clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "shequ needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

worker: $(VENV)/.installed
	$(BIN)/celery -A shequ worker --loglevel=info

beat: $(VENV)/.installed
	$(BIN)/celery -A shequ beat --loglevel=info --schedule=var/celerybeat-schedule

clean:
	rm -rf $(VENV) var
