SHELL := /bin/bash
# iou-analyze — build, test, demo, bench, lab. Every target installs what it needs first.
SWIFT ?= swift
# chromium: the flame graph and HTML report tests load the pages in headless Chromium.
# python3-jsonschema: the tests validate every JSON report against docs/schema/.
# time: GNU time gives the hostile-input matrix test the peak RSS of each CLI run.
APT_PACKAGES := pkg-config zlib1g-dev libzstd-dev libtracecmd-dev libtracefs-dev libtraceevent-dev time chromium \
  python3-jsonschema
BIN := .build/release/iou-analyze
DEBIAN_MIRROR ?= http://deb.debian.org/debian

.PHONY: all deps build demo test lint bench lab fuzz man dist dist-check mutants clean

all: build

## deps: install missing Debian packages (needs root or sudo) and check for Swift.
deps:
	@command -v $(SWIFT) >/dev/null || { echo "Swift is missing: install a Swift 6 toolchain (swift.org) first" >&2; exit 1; }
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product iou-analyze

## demo: analyse the bundled real traces of the bug; the spin verdict (exit 1) is the expected result.
demo: build
	@echo "\$$ iou-analyze analyze fixtures/shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt"
	@$(BIN) analyze fixtures/shared-traces/vanilla-6.12.117/threadexit/fgraph_proc.txt; \
	  echo "(exit status $$?: 1 = a worker spins in the fault-retry loop)"
	@echo
	@echo "\$$ iou-analyze compare fixtures/shared-traces/vanilla-6.12.117/threadexit fixtures/shared-traces/fix-fail-fault/threadexit"
	@$(BIN) compare fixtures/shared-traces/vanilla-6.12.117/threadexit fixtures/shared-traces/fix-fail-fault/threadexit | head -12; \
	  echo "(exit status $${PIPESTATUS[0]}: 0 = the fix is CONFIRMED)"

## test: lint, then the whole suite; the tests' temporary files go to a directory of their own, removed
## after the run (they are 100+ MiB per run: left in /tmp, runs filled the disk).
test: deps lint
	@t=$$(mktemp -d "$${TMPDIR:-/tmp}/iou-test.XXXXXX") && echo "$(SWIFT) test  # TMPDIR=$$t, removed after" \
	  && TMPDIR=$$t $(SWIFT) test; s=$$?; rm -rf "$$t"; exit $$s

## lint: swift-format style (.swift-format), warnings are errors.
lint:
	$(SWIFT) format lint --strict -r Sources Tests Plugins Package.swift

## bench: iou-analyze against wc -l, trace-cmd report and stackcollapse-perf.pl on ≥ 1 GiB inputs built
## from real captures (the lab's whole-kernel graph when in ~/.cache/iou-analyze/lab), every run's exit
## status and output checked; peak RSS, and instructions per byte under callgrind (bench/run.sh, ~10 min).
bench: build
	@$(MAKE) --no-print-directory deps APT_PACKAGES="time python3 perl trace-cmd valgrind"
	bash bench/run.sh

## fuzz: libFuzzer targets per input format and for collapse, seeded from the fixtures, run one after
## the other for FUZZ_SECONDS each (one job); prints executions and crashes per target (Fuzz/run.sh).
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash Fuzz/run.sh

## lab: build the 4 kernels, boot every scenario in QEMU (TCG), capture fixtures/lab/, print the verdict
## table (94 min from an empty cache on 2026-12-01 under a load average of ~9, 14 of them waiting for the
## kernel lock; see kernel-patch/README.md; root; the reproducer and all tracing run only inside the guest).
lab: build
	bash kernel-patch/lab/lab.sh all

## man: regenerate docs/man (one page per subcommand) from the command declarations (argument-parser's
## generate-manual plugin); ManPageTests fails when the checked-in pages fall behind the options.
man:
	mkdir -p docs/man
	$(SWIFT) package --allow-writing-to-package-directory generate-manual --configuration debug --multi-page \
	  --date "$$(git log -1 --format=%cs 2>/dev/null || date +%F)" --authors "iou-analyze maintainers" \
	  --output-directory docs/man

## dist: release binary with the Swift runtime linked statically, and dist/iou-analyze_VERSION_ARCH.deb
## (binary, man pages, bash/zsh/fish completions; Depends on the Debian packages of its shared libraries).
DIST_BIN := .build-static/release/iou-analyze
dist: deps
	@$(MAKE) --no-print-directory deps APT_PACKAGES="binutils dpkg"
	flock /tmp/iou-release.lock $(SWIFT) build -c release --static-swift-stdlib --product iou-analyze \
	  --scratch-path .build-static
	packaging/build-deb.sh $(DIST_BIN) dist

## dist-check: install the .deb into a fresh Debian 12 root (debootstrap, no Swift) and run
## `iou-analyze analyze` on a real capture inside it with chroot (root; needs a Debian mirror).
dist-check: dist
	@$(MAKE) --no-print-directory deps APT_PACKAGES="debootstrap"
	packaging/dist-check.sh dist/iou-analyze_*.deb $(DEBIAN_MIRROR)

## mutants: deliberate small bugs in Sources/TraceAnalysis and the sniffer, each built and tested in a scratch
## copy; prints the share killed and every survivor (MUTANTS_MAX=60 sampled with MUTANTS_SEED, MUTANTS_FILTER=path).
mutants: deps
	python3 tools/mutants.py

clean:
	rm -rf .build .build-static dist bench/out
