# dimtensor — every target sets itself up on a fresh machine (Rust and
# Python 3.10+ with venv are the only prerequisites) and is quick when
# nothing changed.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export VIRTUAL_ENV := $(abspath $(VENV))
export PATH := $(VIRTUAL_ENV)/bin:$(PATH)

RUST_SOURCES := Cargo.toml $(wildcard Cargo.lock) $(wildcard crates/*/Cargo.toml) \
	$(shell find crates -name '*.rs' -not -path '*/fuzz/*' -not -path '*/target/*')
PY_DIRS := python tests benchmarks examples tools

.PHONY: demo test bench lint build rust-test py-test fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The one system package: graphviz's `dot`, which DaskDimArray.visualize (dask)
# draws with. Installed with apt when missing (as root, or through sudo).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(VENV)/.deps: requirements-dev.txt | $(BIN)/python
	command -v dot >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; }
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

$(VENV)/.built: $(RUST_SOURCES) pyproject.toml $(VENV)/.deps
	$(BIN)/maturin develop --release -q
	touch $@

build: $(VENV)/.built

demo: build
	$(BIN)/python examples/units_tour.py
	$(BIN)/python examples/ideal_gas.py
	$(BIN)/python examples/xarray_climate.py

lint: build
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	$(BIN)/ruff check $(PY_DIRS)
	$(BIN)/ruff format --check $(PY_DIRS)
	$(BIN)/python -m mypy.stubtest dimtensor._core

rust-test:
	cargo test -p dimtensor-core

py-test: build
	$(BIN)/python -m pytest

test: lint rust-test py-test

bench: build
	$(BIN)/python -m pip install -q pint astropy unyt matplotlib numexpr
	$(BIN)/python benchmarks/units.py
	$(BIN)/python benchmarks/dimarray.py
	$(BIN)/python benchmarks/functions.py
	$(BIN)/python benchmarks/dask_density.py
	$(BIN)/python benchmarks/fusion.py
	$(BIN)/python benchmarks/xarray_dataset.py

# Coverage-guided fuzzing of the unit parser (not part of `make test`).
FUZZ_RUNS ?= 1000000
fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
	cd crates/dimtensor-core && RUSTC_BOOTSTRAP=1 cargo fuzz run parse -- -runs=$(FUZZ_RUNS) -dict=fuzz/parse.dict

clean:
	rm -rf target $(VENV) python/dimtensor/*.so
