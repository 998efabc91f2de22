# Two commands: `make run` sets everything up and opens Takt on the bundled sample map;
# `make test` runs every test. Both install what they need on a fresh Debian/Ubuntu machine.

CARGO ?= cargo
NPM ?= npm
APP := target/debug/takt-desktop
SAMPLE ?= examples/model-retraining-current.json

# Tauri's build needs WebKitGTK and friends; the end-to-end tests need a virtual display,
# WebKit's WebDriver and xdotool (keys typed through the X server, as a person types them);
# `make run` without a display takes a screenshot with ImageMagick.
APT_BUILD := build-essential pkg-config libwebkit2gtk-4.1-dev libxdo-dev libssl-dev \
	libayatana-appindicator3-dev librsvg2-dev
# The package test installs the .deb and asks the desktop's MIME database and file opener
# (shared-mime-info, desktop-file-utils, xdg-utils, gio) about a document.
APT_TEST := xvfb xauth webkit2gtk-driver xdotool poppler-utils shared-mime-info \
	desktop-file-utils xdg-utils libglib2.0-bin
APT_RUN := xvfb xauth imagemagick

.PHONY: run test deps system-deps test-system-deps run-system-deps node-deps tauri-driver \
	ui app build lint unit ui-test e2e bench bench-app schema bindings licences package

run: deps run-system-deps app
	@scripts/run-app.sh $(APP)

build: app

# The Rust toolchain comes with the machine; rustfmt and clippy are its components.
deps: system-deps node-deps
	@command -v $(CARGO) >/dev/null || { echo "Takt needs a Rust toolchain (cargo) on PATH"; exit 1; }
	@$(CARGO) fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@$(CARGO) clippy --version >/dev/null 2>&1 || rustup component add clippy

# Installs the Debian packages that are missing (as root, or through sudo).
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:" $$missing; \
		if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
		$$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $$missing; \
	fi
endef

system-deps:
	$(call apt_install,$(APT_BUILD))
test-system-deps:
	$(call apt_install,$(APT_TEST))
run-system-deps:
	$(call apt_install,$(APT_RUN))

# Node 20 or later (the machine's); npm packages exactly as the lock files say.
node-deps: ui/node_modules/.installed tests/node_modules/.installed
ui/node_modules/.installed: ui/package.json ui/package-lock.json
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || { echo "Takt's UI build needs Node.js 20 or later"; exit 1; }
	cd ui && $(NPM) ci --no-audit --no-fund
	@touch $@
tests/node_modules/.installed: tests/package.json tests/package-lock.json
	cd tests && $(NPM) ci --no-audit --no-fund
	@touch $@

# The WebDriver server that drives the app's window in the end-to-end tests.
tauri-driver:
	@command -v tauri-driver >/dev/null || test -x $(HOME)/.cargo/bin/tauri-driver || $(CARGO) install tauri-driver --locked

# The UI: type-checked and bundled into ui/dist, which the app embeds when it is compiled.
ui: node-deps
	cd ui && $(NPM) run build

app: deps ui
	$(CARGO) build -p takt-desktop -p takt-cli

lint: deps ui
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	# The TypeScript: type-checked by the ui build (tsc), linted by Biome (ui/biome.json).
	cd ui && $(NPM) run lint

unit: deps test-system-deps ui
	$(CARGO) test --workspace
	# The benchmark harnesses, each benchmark run once (in test mode: no timing).
	$(CARGO) test -p takt-core -p takt-store --benches

ui-test: node-deps
	cd ui && $(NPM) test

e2e: deps test-system-deps tauri-driver app
	cd tests && $(NPM) test

test: lint unit ui-test e2e

bench: deps
	$(CARGO) bench -p takt-core -p takt-store

# The app's frame times (pan, zoom, drag at 2,000 steps) and edit-to-metrics latency (1,000
# steps), in the real window under Xvfb. Prints JSON for docs/BENCHMARKS.md.
bench-app: deps test-system-deps tauri-driver app
	cd tests && node bench/frames.mjs

# Regenerates the published JSON Schema of the map format.
schema:
	$(CARGO) run -q -p takt-cli -- schema > schema/takt.schema.json

# Regenerates ui/src/bindings.ts from the app's commands and types.
bindings: deps ui
	TAKT_UPDATE_BINDINGS=1 $(CARGO) test -q -p takt-desktop --test bindings

# The installable packages: the release app bundled by Tauri's bundler (@tauri-apps/cli, pinned
# in ui/package.json) as a .deb and an .rpm, with the desktop entry, the icons, and the shared
# MIME type of a .takt document (packaging/). They land in target/release/bundle/.
package: deps ui
	cd src-tauri && ../ui/node_modules/.bin/tauri build --ci --bundles deb,rpm
	@ls -1 target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm

# Regenerates src-tauri/licences.json (Help > About) from Cargo's and npm's metadata.
licences: deps
	TAKT_UPDATE_LICENCES=1 $(CARGO) test -q -p takt-desktop --test licences
