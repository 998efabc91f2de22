# Two commands: `make run` sets everything up and opens Takt on the bundled sample map;
# `make test` runs every test. Both install what they need on a fresh Debian/Ubuntu machine.

SAMPLE ?= examples/model-retraining-current.json
CARGO ?= cargo

.PHONY: run test deps build lint unit bench schema

run: deps build
	$(CARGO) run -q -p takt-cli -- analyze $(SAMPLE)

build:
	$(CARGO) build -p takt-cli

# The Rust toolchain comes with the machine; rustfmt and clippy are its components.
deps:
	@command -v $(CARGO) >/dev/null || { echo "Takt needs a Rust toolchain (cargo) on PATH"; exit 1; }
	@$(CARGO) fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@$(CARGO) clippy --version >/dev/null 2>&1 || rustup component add clippy

lint: deps
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

unit: deps
	$(CARGO) test --workspace
	# The benchmark harnesses, each benchmark run once (in test mode: no timing).
	$(CARGO) test -p takt-core -p takt-store --benches

test: lint unit

bench: deps
	$(CARGO) bench -p takt-core -p takt-store

# Regenerates the published JSON Schema of the map format.
schema:
	$(CARGO) run -q -p takt-cli -- schema > schema/takt.schema.json
