# imprint: Make decides what is stale; the `imprint` command does the work.
# The first target on a fresh Debian machine (as root) installs what the pipeline needs.

MANUSCRIPT ?= manuscript
BUILD      ?= build
PYTHON     ?= python3
VENV       := .venv
BIN        := $(VENV)/bin
IMPRINT    := $(BIN)/imprint --manuscript "$(MANUSCRIPT)" --build "$(BUILD)"

# Paths may hold spaces (`make pdf MANUSCRIPT="My Reports/2026"`): commands quote them, and
# file names in rules escape each space with a backslash, as Make reads them.
empty :=
space := $(empty) $(empty)
escape = $(subst $(space),\$(space),$(1))

# Output names come from the slug in publication.yaml (read without Python: no bootstrap needed).
SLUG := $(shell sed -n 's/^slug:[[:space:]]*["'\'']*\([a-z0-9-]*\).*/\1/p' "$(MANUSCRIPT)/publication.yaml" 2>/dev/null)
ifeq ($(SLUG),)
SLUG := publication
endif
# Each manuscript's files sit in a folder of their own, so `make clean` removes only its own.
OUT := $(call escape,$(BUILD))/$(SLUG)

# Every input a build reads: the manuscript, the house style and the package itself.
INPUTS := $(shell find "$(MANUSCRIPT)" styles src -type f -not -name '*.pyc' 2>/dev/null \
            | sed 's/ /\\ /g') pyproject.toml

# Debian packages: fonts, HarfBuzz subsetting (3x faster PDF writing), poppler and qpdf for checks,
# Chromium for the preview's browser tests and DAISY Ace; libgs-common for the press edition's
# CMYK output profile (Ghostscript's SWOP profile, read from /usr/share/color/icc like the fonts).
APT_PACKAGES := fonts-noto-core fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 \
                libpangoft2-1.0-0 poppler-utils qpdf chromium libgs-common
BOOTSTRAP := $(VENV)/.bootstrapped

.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
.PHONY: help pdf pdf-press epub all site serve-site check preview test fuzz bench lint clean bootstrap system-deps

help: ## list the targets and the variables they take
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12
	@echo
	@echo "variables (make pdf MANUSCRIPT=path/to/report):"
	@echo "  MANUSCRIPT  the manuscript folder (default: manuscript)"
	@echo "  BUILD       the output folder (default: build)"
	@echo "  CHAPTER     make preview: the chapter's number as the book prints it"
	@echo "              (2 = \"Chapter 2\"), its slug or its file"
	@echo "  PORT        make preview, make serve-site: the port (default 8000)"

pdf: $(OUT)/$(SLUG).pdf ## build the print PDF: build/<slug>/<slug>.pdf

pdf-press: $(OUT)/$(SLUG)-press.pdf ## build the press PDF with bleed and crop marks

epub: $(OUT)/$(SLUG).epub ## build the EPUB 3: build/<slug>/<slug>.epub

all: pdf pdf-press epub ## build every edition

site: $(OUT)/site/index.html ## web page and HTML edition with the downloads: build/<slug>/site/

serve-site: site ## serve the site on 127.0.0.1: make serve-site PORT=8000
	$(IMPRINT) serve $(if $(PORT),--port $(PORT))

check: $(OUT)/$(SLUG).epub ## check the manuscript, then validate the EPUB (EPUBCheck, Ace)
	$(IMPRINT) check --epub "$(BUILD)/$(SLUG)/$(SLUG).epub"

preview: $(BOOTSTRAP) ## serve a chapter with live reload: make preview CHAPTER=2 (printed number, slug or file)
	@test -n "$(CHAPTER)" || { echo "usage: make preview CHAPTER=2 (the printed chapter number, a slug or a file)" >&2; exit 2; }
	$(IMPRINT) preview $(if $(PORT),--port $(PORT)) "$(CHAPTER)"

test: $(BOOTSTRAP) ## run the linter, the type checker and the whole test suite with the real validators
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/pytest

fuzz: $(BOOTSTRAP) ## grammar fuzzing: 10,000 generated manuscripts through check, pdf and epub
	HYPOTHESIS_PROFILE=fuzz FUZZ_SHARDS=$$(nproc) $(BIN)/pytest tests/fuzz/test_fuzz_editions.py \
	  -p no:cacheprovider -n $$(nproc) --dist load --hypothesis-show-statistics

bench: $(BOOTSTRAP) ## imprint against WeasyPrint and pandoc, each figure beside its goal; large inputs
	$(BIN)/python -m tests.bench.bench_peers --out "$(BUILD)/bench.json" $(if $(RUNS),--runs $(RUNS))
	$(BIN)/python -m tests.bench.bench_inputs

clean: ## remove this manuscript's outputs, build/<slug>/ (keeps other books and the virtualenv)
	rm -rf "$(BUILD)/$(SLUG)"
	@rmdir "$(BUILD)" 2>/dev/null || true

bootstrap: $(BOOTSTRAP) ## install system packages and the virtualenv (done by every target)

$(OUT)/$(SLUG).pdf: $(INPUTS) $(BOOTSTRAP)
	$(IMPRINT) pdf

$(OUT)/$(SLUG)-press.pdf: $(INPUTS) $(BOOTSTRAP)
	$(IMPRINT) pdf --press

$(OUT)/$(SLUG).epub: $(INPUTS) $(BOOTSTRAP)
	$(IMPRINT) epub

# The site offers the three editions for download, so it is made after them.
$(OUT)/site/index.html: $(INPUTS) $(BOOTSTRAP) $(OUT)/$(SLUG).pdf $(OUT)/$(SLUG)-press.pdf \
    $(OUT)/$(SLUG).epub
	$(IMPRINT) site

$(BOOTSTRAP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	@# DAISY Ace for the EPUB checks; it drives Debian's Chromium, so puppeteer downloads none.
	test -x $(VENV)/ace/node_modules/.bin/ace-cli || PUPPETEER_SKIP_DOWNLOAD=1 npm install \
	  --prefix $(VENV)/ace --no-audit --no-fund --loglevel=error @daisy/ace-cli@1.4
	@# citeproc-js, the engine inside Zotero: tests/e2e/test_citeproc_js.py holds imprint's notes to it.
	test -f $(VENV)/citeproc-js/node_modules/citeproc/package.json || npm install \
	  --prefix $(VENV)/citeproc-js --no-audit --no-fund --loglevel=error citeproc@2
	@# axe-core, the accessibility engine the site's browser tests run on every page.
	test -f $(VENV)/axe-core/node_modules/axe-core/axe.min.js || npm install \
	  --prefix $(VENV)/axe-core --no-audit --no-fund --loglevel=error axe-core@4
	@touch $@

# Installs only what is missing, non-interactively, so a second run installs nothing.
system-deps:
	@missing=""; \
	for package in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q 'install ok installed' \
	    || missing="$$missing $$package"; \
	done; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "imprint: installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "imprint: run as root (or install them):$$missing" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $$missing >/dev/null; \
	fi
