# `make test`, `make demo` and `make bench` do all the set-up: a virtual environment in .venv,
# the Python packages, Graphviz's `dot` program and (for the tests) npm and Chromium where they are
# missing (apt-get, as root); what they cannot install, they name in one line and stop.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PLAYGROUND_NPM := playground/node_modules/.package-lock.json

.PHONY: test demo bench lint docs dist mutation graphviz chromium playground playground-serve clean

test: lint graphviz chromium playground
	$(PY) -m pytest -q

# Formatting, lint (ruff) and types (mypy, strict on the two packages); `make test` runs it first.
lint: $(STAMP)
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(PY) -m mypy

demo: $(STAMP) graphviz
	$(PY) -m demos
	@echo "The playground in the browser (nothing to install): make playground-serve, then open http://127.0.0.1:8000/"

# Our engine against micrograd 0.1.0 and PyTorch: prints the tables, writes benchmarks/results.md.
bench: $(STAMP)
	$(PY) -m benchmarks

# Mutation testing: cosmic-ray mutates the op table, the math worlds, backward, forward mode, the
# compiled replay, the losses and the optimizers; each mutant runs against the quick tests of its
# file (mutation/targets.py). Prints the kill rate per file and writes tests/mutation.md. Not part
# of `make test`: a full run takes about half an hour on two cores; an interrupted one goes on where
# it stopped. MUTATION_ARGS="--survivors" runs only the last run's survivors again.
mutation: $(STAMP)
	$(PY) -m mutation --jobs 2 $(MUTATION_ARGS)

# The documentation site, into site/ (MkDocs; warnings are errors). The tests build it too.
docs: $(STAMP) graphviz $(PLAYGROUND_NPM)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir site
	$(PY) playground/build.py site/playground  # the playground, linked from the site

# The sdist and the wheel, into dist/, checked by twine.
dist: $(STAMP)
	rm -rf dist
	$(PY) -m build --outdir dist
	$(PY) -m twine check --strict dist/*

# The playground: a static site in site/playground (Pyodide, viz.js and our wheel; no CDN).
playground: $(STAMP) $(PLAYGROUND_NPM)
	$(PY) playground/build.py site/playground

$(PLAYGROUND_NPM): playground/package.json playground/package-lock.json
	$(call require,npm,npm,Node.js and npm are missing (the playground's Pyodide and Graphviz come from the npm registry): install them (Debian/Ubuntu: sudo apt-get install npm; elsewhere: https://nodejs.org))
	cd playground && npm ci --no-audit --no-fund --loglevel=error
	touch $@

playground-serve: playground
	$(PY) -m http.server --bind 127.0.0.1 --directory site/playground 8000

$(STAMP): pyproject.toml Makefile
	@$(PYTHON) -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || { \
	  echo "Python 3.10 or newer with its venv module is needed; '$(PYTHON)' is $$($(PYTHON) --version 2>/dev/null || echo missing): install one (Debian/Ubuntu: sudo apt-get install python3 python3-venv), or name it: make PYTHON=python3.12 test" >&2; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test,plot,demo,lint,bench,docs,dist,mutation]"
	touch $@

# $(call require,PROGRAM,PACKAGE,MESSAGE): install a missing program's Debian package when we can
# (root and apt-get, as in CI), else stop with MESSAGE.
define require
@command -v $(1) >/dev/null 2>&1 || { \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
    echo "Installing $(2) (apt-get install $(2))"; \
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
  else \
    echo "$(3)" >&2; \
    exit 1; \
  fi; }
endef

# Rendering needs the `dot` program (Debian package `graphviz`).
graphviz:
	$(call require,dot,graphviz,Graphviz's 'dot' program is missing: install it (Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz))

# The player's browser tests drive Debian's `chromium` (never a browser download).
chromium:
	$(call require,chromium,chromium,The 'chromium' browser is missing (the player's tests use it): install it (Debian/Ubuntu: sudo apt-get install chromium))

clean:
	rm -rf $(VENV) out site dist .pytest_cache .hypothesis .mutation playground/node_modules
