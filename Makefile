# SPDX-License-Identifier: Apache-2.0
# The two commands that matter: `make demo` and `make check`. Both install missing
# Debian packages first (scripts/install-deps), then build with meson + ninja.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_SECONDS ?= 10

.PHONY: all deps build check demo bench fuzz lint clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	@scripts/install-deps
	meson setup $(BUILD) --buildtype=debugoptimized

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Unit + integration tests (gcc), the same under ASan+UBSan (clang), a short fuzz run
# per target, the source lints; ends with "N passed, N failed".
check: deps
	@BUILD=$(BUILD) ASAN_BUILD=$(ASAN_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/check

demo: build
	@scripts/demo $(BUILD)

bench: deps
	meson setup $(BUILD)-release --buildtype=release >/dev/null 2>&1 || true
	ninja -C $(BUILD)-release bench/quote_verify bench/ratls_handshake
	$(BUILD)-release/bench/quote_verify tests/vectors
	$(BUILD)-release/bench/ratls_handshake
	ninja -C $(BUILD)-release bench/secretd src/secretd/veritee-secretd
	$(BUILD)-release/bench/secretd $(BUILD)-release/src/secretd/veritee-secretd

fuzz: deps
	@ASAN_BUILD=$(ASAN_BUILD) FUZZ_SECONDS=$${FUZZ_SECONDS:-300} scripts/fuzz

lint:
	@scripts/lint

clean:
	rm -rf $(BUILD) $(BUILD)-release $(ASAN_BUILD)
