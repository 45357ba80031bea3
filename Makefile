# make lab: JupyterLab on the notebooks (sample fleet, no AWS account needed); make lab-ko: the Korean ones
# make test: the unit tests and the notebooks (nbval) in one pytest call
# make docs: the course as a static site in site/ (open site/index.html; nothing fetched from a network)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)
ALLOW_ROOT := $(if $(ROOT),--allow-root)
PYTEST_ARGS ?=
# notebooks/__init__.py only makes the course package data, sanitize.cfg is nbval's: trainees need not see them
HIDE := --ContentsManager.hide_globs='["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~", "__init__.py", "sanitize.cfg"]'

.PHONY: lab lab-ko test lint app diagrams notebooks docs sample bench messages setup system-deps clean

# Debian packages the course needs: Graphviz's `dot` draws the diagrams, with a Latin and a CJK
# font (Hangul in Korean pictures) and fontconfig (which the tests ask for a Korean font).
# apt.txt lists the same for classroom images (a test keeps them equal).
APT_PACKAGES := graphviz fontconfig fonts-dejavu-core fonts-noto-cjk

lab: setup
	$(BIN)/jupyter lab --ip=127.0.0.1 --notebook-dir=notebooks $(ALLOW_ROOT) $(HIDE)

# The Korean course (README.ko.md); its notebooks call ekslab.set_language("ko") themselves.
lab-ko: setup
	$(BIN)/jupyter lab --ip=127.0.0.1 --notebook-dir=notebooks/ko $(ALLOW_ROOT) $(HIDE)

test: NEED_CHROMIUM = yes
# As root, `make` installs every system dependency itself (system-deps): there, as on CI (.ci/run), a skip or an
# xfail fails unless tests/ci_policy.py lists it as a platform difference; EKSLAB_CI=0 turns that off
test: export EKSLAB_CI ?= $(if $(ROOT),1)
test: setup
	$(BIN)/python -m pytest tests notebooks --nbval --nbval-sanitize-with notebooks/sanitize.cfg $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check ekslab tests bench docs

# make app: the explorer in projector mode (controls first, a large diagram, answers hidden until clicked) on
# http://127.0.0.1:8866; EKSLAB_LANG=ko make app: the Korean one (EKSLAB_LANG starting with ko, as ko_KR.UTF-8 does).
app: setup
	$(BIN)/ekslab app --projector

diagrams: setup
	$(BIN)/ekslab diagram --all -o diagrams

# Re-execute the notebooks of every language in place (their committed outputs are what nbval compares;
# `make test` collects notebooks/ recursively, notebooks/ko/ included).
notebooks: setup
	cd notebooks && ../$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.store_widget_state=False --ExecutePreprocessor.record_timing=False [0-9]*.ipynb */[0-9]*.ipynb

# The static site: README, the notebooks with their committed outputs (never re-executed), the
# trainer's guide; Sphinx + MyST-NB, configured in docs/conf.py.
docs: setup
	$(BIN)/python docs/build.py site

# The bundled sample fleet: seed a sandbox, scan it with the real scanner, write the snapshot.
sample: setup
	$(BIN)/python -m ekslab.localaws.sample --write data/sample-fleet.json

# Benchmarks print their figures; nothing here is a pass/fail test.
bench: setup
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Translations (CONTRIBUTING.md): extract the marked strings into the template, merge it into each
# language's .po (new strings empty, changed ones fuzzy), compile the .mo that ekslab reads.
# File names but no line numbers in the catalogs: branches that move code do not conflict there.
LOCALES := ekslab/i18n/locale
messages: setup
	$(BIN)/pybabel -q extract -F babel.cfg -o $(LOCALES)/ekslab.pot -w 110 --add-location=file --sort-by-file -c Translators: \
	  --project ekslab --copyright-holder "the ekslab authors" --version $$($(BIN)/python -c 'import ekslab; print(ekslab.__version__)') ekslab
	$(BIN)/pybabel -q update -i $(LOCALES)/ekslab.pot -d $(LOCALES) -D ekslab -l ko -w 110 \
	  --init-missing --ignore-obsolete --previous
	$(BIN)/pybabel compile -d $(LOCALES) -D ekslab --statistics

setup: $(STAMP) system-deps

# Re-install only when pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

# APT_PACKAGES for the course; Debian's Chromium runs the browser tests (make test only).
system-deps:
	@missing=""; \
	command -v dot >/dev/null || missing="$$missing graphviz"; \
	for pkg in $(filter-out graphviz,$(APT_PACKAGES)); do \
	  if command -v dpkg-query >/dev/null && ! dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "ok installed"; \
	  then missing="$$missing $$pkg"; fi; \
	done; \
	[ -z "$(NEED_CHROMIUM)" ] || [ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ -n "$(ROOT)" ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  elif ! command -v dot >/dev/null; then \
	    echo "Graphviz 'dot' is missing: sudo apt-get install graphviz | brew install graphviz | conda install -c conda-forge graphviz"; exit 1; \
	  else \
	    fc-list :lang=ko 2>/dev/null | grep -q . || echo "No Hangul font: Korean pictures would show boxes" \
	      "(sudo apt-get install fonts-noto-cjk | conda install -c conda-forge font-ttf-noto-cjk)"; \
	    [ -z "$(NEED_CHROMIUM)" ] || [ -x /usr/bin/chromium ] || \
	      echo "Chromium is missing: the browser tests will be skipped (sudo apt-get install chromium)"; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) build *.egg-info site
