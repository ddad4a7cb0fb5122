# Podpis — entry points. Run as root on Debian 12 (CI does); see README.md.
SHELL := /bin/bash
SWIFT ?= swift
TESTBED_ENV := .testbed/env

.PHONY: deps build run demo-web test testbed-up testbed-down bench fuzz deb deb-test clean

## deps: install the system packages and Python pieces the build and the bench need
deps:
	bash testbed/install-deps.sh

## build: build podpis and podpisd (debug)
build:
	$(SWIFT) build

## run: install everything, start the demo bench (virtual card + SoftHSM demo tokens), list what podpis sees,
##      then start podpisd and sign a document through its API with curl, verified by xmlsec1
run: deps build testbed-up
	@set -a; . $(TESTBED_ENV); set +a; \
	echo "== podpis readers"; .build/debug/podpis readers; \
	echo; echo "== podpis tokens"; .build/debug/podpis tokens; \
	echo; echo "== podpis certs"; .build/debug/podpis certs; echo
	bash scripts/demo.sh

## demo-web: the demo EZD page (web/demo, using web/podpis/podpis.js) on http://127.0.0.1:35980 next to a
##           demo podpisd on the bench's tokens; open it in a browser (scripts/demo-web.sh says how)
demo-web: deps build testbed-up
	bash scripts/demo-web.sh

## test: install, start the bench, run the whole suite, stop the bench
test: deps
	bash scripts/test.sh

## testbed-up / testbed-down: start or stop the real test bench (writes .testbed/env)
testbed-up:
	bash testbed/up.sh

testbed-down:
	bash testbed/down.sh

## bench: performance measurements (Benchmarks/, docs/performance.md)
bench:
	bash Benchmarks/run.sh

## fuzz: libFuzzer on every parser of outside bytes (Fuzz/, docs/fuzzing.md), FUZZ_SECONDS per target
##       (default 300); `make test` runs each for 20 s. Fails on a crash; the input lands in .build-fuzz/findings/
fuzz:
	FUZZ_SECONDS=$${FUZZ_SECONDS:-300} bash scripts/fuzz.sh

## deb: podpis_<version>_amd64.deb (release build, Swift runtime linked statically, Debian's
##      dpkg-buildpackage + debhelper; scripts/deb.sh, docs/deployment.md "The Debian package")
deb:
	bash scripts/deb.sh

## deb-test: make deb, lintian, then install, use and purge it in a clean Debian 12 root
##           (debootstrap; scripts/deb-test.sh). `make test` runs it with the bench up.
deb-test: deps
	bash scripts/deb-test.sh

clean:
	rm -rf .build .build-fuzz .build-release .build-tools .build-deb .build-debroot
