# The two commands of a fresh machine: `make conformance` (the main job) and `make test`.
GO        ?= go
AGENTSTATE = $(GO) run ./harness/cmd/agentstate
REPORT_DIR ?= reports
BENCH_COUNT ?= 6

.PHONY: conformance test vet lint bench bench-ajv bench-kcat bench-libs build asyncapi example-conformance dist templates

# The main job: the Ginkgo conformance suite against the embedded broker and the reference
# producer, unless AGENTSTATE_* settings say otherwise. FAULT=<name> injects a fault into the
# reference producer (the run must then fail); LABELS=<filter> selects specs. Reports (JUnit,
# JSON, summary, the captured stream) go to AGENTSTATE_REPORT_DIR (default reports/conformance).
# Colour only on a terminal (not TERM=dumb, no NO_COLOR): a CI log or a pipe gets none.
# A relative AGENTSTATE_SUT_COMMAND is resolved against the directory make ran from
# (AGENTSTATE_WORKDIR), not specs/, where the suite runs.
# BASELINE=<capture.jsonl or report directory of the release in production> then diffs the run
# against it (agentstate diff; DIFF_FORMAT=text|json|github): a breaking difference fails the job
# even when the suite passed, and the exit status is the suite's when it failed, else the diff's.
# The suite gets it as AGENTSTATE_BASELINE (made absolute), so that summary.html shows the diff.
BASELINE ?=
DIFF_FORMAT ?=
FAULT  ?=
LABELS ?=
# SUITE_VERSION=<tag or commit> stamps the suite's version into the run (as make dist stamps
# VERSION), so that its reports name it; the CI templates pass the version they checked out.
SUITE_VERSION ?=
GINKGO  = $(GO) run github.com/onsi/ginkgo/v2/ginkgo $(if $(SUITE_VERSION),--ldflags=-X=$(VERSION_PKG).suiteVersion=$(SUITE_VERSION))
# The summary is printed last; an earlier run's is removed first, so that a suite that fails to
# build or to start never shows the last run's verdict.
conformance:
	@dir=$${AGENTSTATE_REPORT_DIR:-reports/conformance}; case $$dir in /*) ;; *) dir=$(CURDIR)/$$dir;; esac; \
	rm -f $$dir/summary.md $$dir/summary.json $$dir/summary.html $$dir/junit.xml $$dir/ginkgo.json; \
	colour=--no-color; if [ -t 1 ] && [ -z "$${NO_COLOR:-}" ] && [ "$${TERM:-}" != dumb ]; then colour=; fi; \
	AGENTSTATE_REPORT_DIR=$$dir AGENTSTATE_WORKDIR=$${AGENTSTATE_WORKDIR:-$(CURDIR)} AGENTSTATE_FAULT=$(FAULT) $(if $(BASELINE),AGENTSTATE_BASELINE='$(abspath $(BASELINE))') $(GINKGO) $$colour $(if $(LABELS),--label-filter='$(LABELS)') ./specs; \
	status=$$?; \
	if [ -f $$dir/summary.md ]; then echo; cat $$dir/summary.md; echo; echo "reports: $$dir (summary.md, summary.html, summary.json, junit.xml, ginkgo.json, capture.jsonl, stimuli.jsonl)"; \
	elif [ $$status -ne 0 ]; then echo; echo "# voice-agentstate conformance: FAIL (the suite wrote no summary; see its output above)"; fi; \
	if [ -n "$(BASELINE)" ]; then echo; $(AGENTSTATE) diff $(if $(DIFF_FORMAT),--format $(DIFF_FORMAT)) '$(BASELINE)' $$dir/capture.jsonl; \
		dstatus=$$?; if [ $$status -eq 0 ]; then status=$$dstatus; fi; fi; exit $$status

# The example service (harness/examples/agentservice), a producer written as an outside team
# would write one: built, started, certified by the whole suite over HTTP and then over exec on
# the embedded broker, and stopped, also when a run fails. Reports in reports/example/
# (harness/examples/agentservice/conformance.sh; EXAMPLE_BROKER=external runs it on a cluster).
example-conformance:
	GO=$(GO) bash harness/examples/agentservice/conformance.sh

# The CI templates (.github/workflows/conformance.yml, .github/gitlab-ci.example.yml): actionlint,
# check-jsonschema (GitHub's and GitLab's schemas) and zizmor --offline, installed pinned into
# .cache/tools (a missing tool fails under CI=true), then their shell run against the example
# service on the embedded broker (harness/scripts/templates.sh).
templates:
	GO=$(GO) bash harness/scripts/templates.sh

test:
	$(GO) test -count=1 ./...

vet:
	$(GO) vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# staticcheck, pinned, over every package (run by .ci/run after vet).
STATICCHECK = $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
lint:
	$(STATICCHECK) ./...

# Benchmarks with -benchmem -count, written to reports/bench.txt and summarised by benchstat; with
# a reports/bench-base.txt (a copy of an earlier bench.txt), benchstat compares the two.
BENCHSTAT = $(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
bench:
	@mkdir -p $(REPORT_DIR)
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCH_COUNT) ./... | tee $(REPORT_DIR)/bench.txt
	@if [ -f $(REPORT_DIR)/bench-base.txt ]; then $(BENCHSTAT) $(REPORT_DIR)/bench-base.txt $(REPORT_DIR)/bench.txt; \
	else $(BENCHSTAT) $(REPORT_DIR)/bench.txt; echo "(copy $(REPORT_DIR)/bench.txt to $(REPORT_DIR)/bench-base.txt to compare the next run with it)"; fi
	$(MAKE) bench-ajv

# The whole-process side-by-side with ajv (allErrors false and true) on a generated file of
# EVENTS lawful events, RUNS alternating runs each, medians and ratios as a Markdown table
# (harness/scripts/ajv-bench/side-by-side.sh; needs node and npm), also in reports/bench-ajv.md.
bench-ajv:
	@mkdir -p $(REPORT_DIR)
	GO=$(GO) bash harness/scripts/ajv-bench/side-by-side.sh | tee $(REPORT_DIR)/bench-ajv.md

# The whole-process side-by-side of observe (with and without --record) with kcat on a real Kafka:
# EVENTS records produced to a new topic, RUNS alternating runs each, medians and ratios as a
# Markdown table (harness/scripts/observe-vs-kcat.sh; needs kcat, and Java 17 and Maven unless
# BOOTSTRAP or AGENTSTATE_REAL_KAFKA names a running broker), also in reports/bench-kcat.md.
bench-kcat:
	@mkdir -p $(REPORT_DIR)
	GO=$(GO) bash harness/scripts/observe-vs-kcat.sh | tee $(REPORT_DIR)/bench-kcat.md

# The fast path beside simdjson-go, fastjson, sonic and encoding/json.Valid on the same events, in
# a module of its own (harness/scripts/jsonlib-bench) so that the harness does not depend on them.
bench-libs:
	@mkdir -p $(REPORT_DIR)
	cd harness/scripts/jsonlib-bench && $(GO) test -run '^$$' -bench . -benchmem -cpu 1 -count $(BENCH_COUNT) | tee $(CURDIR)/$(REPORT_DIR)/bench-libs.txt

# The suite's wall time against a service behind the HTTP adapter that publishes 500 ms after it
# answers, with AGENTSTATE_SETTLE=1s, on an embedded broker: the longest flow alone, then the whole
# suite one flow after another and at once; written to BENCHMARKS.md (harness/scripts/benchsuite).
.PHONY: bench-suite
bench-suite:
	@mkdir -p .cache
	$(GO) test -c -o .cache/specs.test ./specs
	$(GO) run ./harness/scripts/benchsuite -suite $(CURDIR)/.cache/specs.test -benchmarks BENCHMARKS.md

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o .cache/bin/agentstate ./harness/cmd/agentstate

# Release artifacts (plain go build and go test -c, -trimpath, with -ldflags -X stamping the
# versions that --version, every report and the JUnit properties carry): for each of
# DIST_PLATFORMS, dist/agentstate_VERSION_OS_ARCH.tar.gz holding the CLI and the shipped suite
# (conformance.test, fixtures embedded, runs from any directory), and dist/checksums.txt
# (sha256). VERSION is the tag (git describe); SCHEMA_VERSION and SPEC_REVISION name the schema
# set and the spec revision when a release names them, and are otherwise the SHA-256 of the
# embedded schemas and of fixtures/spec/attributes.json. Nothing is published from here.
VERSION        ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
SCHEMA_VERSION ?=
SPEC_REVISION  ?=
DIST_PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64
VERSION_PKG     = github.com/voice-agentstate/conformance/harness/report
LDFLAGS         = -s -w -X $(VERSION_PKG).suiteVersion=$(VERSION) -X $(VERSION_PKG).schemaVersion=$(SCHEMA_VERSION) -X '$(VERSION_PKG).specRevision=$(SPEC_REVISION)'
dist:
	@rm -rf dist && mkdir -p dist
	@set -e; for p in $(DIST_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; name=agentstate_$(VERSION)_$${os}_$${arch}; echo "== $$name"; \
		mkdir -p dist/$$name; cp LICENSE CHANGELOG.md dist/$$name/; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o dist/$$name/agentstate ./harness/cmd/agentstate; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) test -c -trimpath -ldflags "$(LDFLAGS)" -o dist/$$name/conformance.test ./specs; \
		tar -C dist -czf dist/$$name.tar.gz $$name; rm -rf dist/$$name; \
	done
	@cd dist && sha256sum *.tar.gz > checksums.txt && sha256sum -c --quiet checksums.txt && cat checksums.txt
	@host=agentstate_$(VERSION)_$$($(GO) env GOOS)_$$($(GO) env GOARCH); \
	if [ -f dist/$$host.tar.gz ]; then tar -C dist -xzf dist/$$host.tar.gz && out=$$(dist/$$host/agentstate --version) && rm -rf dist/$$host && echo "$$out" && \
	case "$$out" in *"suite $(VERSION),"*) ;; *) echo "make dist: --version does not say $(VERSION)"; exit 1;; esac; fi

# Validates schemas/asyncapi.yaml with the official AsyncAPI parser (npm, pinned by package-lock).
asyncapi:
	npm ci --prefix harness/scripts/asyncapi --no-audit --no-fund --loglevel=error
	node harness/scripts/asyncapi/validate.mjs schemas/asyncapi.yaml

# Real Apache Kafka (issue 7): a single-node KRaft broker, fetched from Maven Central with Maven
# and run from .cache/kafka/ by harness/scripts/kafka.sh, with PLAINTEXT, SASL_PLAINTEXT (SCRAM)
# and SSL listeners on loopback. It needs Java 17 or later, and Maven for the first fetch.
KAFKA_SH = bash harness/scripts/kafka.sh

.PHONY: kafka-up kafka-down test-kafka kafka-image suite-image test-container

kafka-up:
	$(KAFKA_SH) up

kafka-down:
	$(KAFKA_SH) down

# Starts the broker, runs the real-Kafka tests and the conformance suite against it in external
# mode (and the suite with faults, which must fail), and stops it, also when they fail; exits with
# the tests' status (harness/scripts/test-kafka.sh). Without Java or Maven it skips, saying so, except
# in CI (CI=true), where that fails.
test-kafka:
	$(KAFKA_SH) test bash harness/scripts/test-kafka.sh

# Container mode (issue 15): agentstate-kafka:$(KAFKA_VERSION), a local image with apache/kafka's
# interface built from Debian's packages (debootstrap) and the Maven Central jars only, never
# pulled; cached under .cache/kafka-image/ and skipped when an image of the same inputs exists.
# It needs a Docker daemon, debootstrap and root (harness/scripts/kafka-image.sh).
KAFKA_VERSION ?= 4.4.0
kafka-image:
	KAFKA_VERSION=$(KAFKA_VERSION) bash harness/scripts/kafka-image.sh

# The conformance suite itself as an image (go test -c ./specs, agentstate, fixtures, schemas; FROM
# scratch), configured by AGENTSTATE_* only, reporting to a mounted /reports (harness/scripts/suite-image.sh).
SUITE_IMAGE ?= agentstate-conformance:dev
suite-image:
	SUITE_IMAGE_TAG=$(SUITE_IMAGE) bash harness/scripts/suite-image.sh

# Container mode for real: builds both images, then runs the broker tests, the cluster fault tests,
# the whole suite (correct, and with three faults, which must fail) and the suite image against
# Kafka containers, each on the host's network on loopback ports of AGENTSTATE_CONTAINER_PORTS,
# without Ryuk (no registry has its image here; every test terminates what it starts), and fails
# if docker ps -a is not empty after (harness/scripts/test-container.sh). KAFKA_IMAGE=apache/kafka:4.4.0
# runs the same against the official image, where a registry has it.
KAFKA_IMAGE ?= agentstate-kafka:$(KAFKA_VERSION)
test-container: $(if $(filter agentstate-kafka:%,$(KAFKA_IMAGE)),kafka-image) suite-image
	TESTCONTAINERS_RYUK_DISABLED=true AGENTSTATE_BROKER=container AGENTSTATE_KAFKA_IMAGE=$(KAFKA_IMAGE) \
	AGENTSTATE_CONTAINER_NETWORK=host AGENTSTATE_CONTAINER_PORTS=$${AGENTSTATE_CONTAINER_PORTS:-39090-39199} \
	AGENTSTATE_SUITE_IMAGE=$(SUITE_IMAGE) bash harness/scripts/test-container.sh

# Fuzzing (issue 9): every fuzz target, one after another, for FUZZTIME each (default 30s). Their
# seed corpora and the regressions kept under testdata/fuzz/ already run as tests in make test.
# A fuzz target missing from FUZZ_TARGETS fails the run, so none is forgotten. See FUZZING.md.
FUZZTIME ?= 30s
FUZZ_TARGETS = harness/record:FuzzReader harness/contract:FuzzValidate harness/contract:FuzzFastPath harness/check:FuzzStep \
	harness/suite:FuzzLoadScenario harness/drive:FuzzHTTPAnswer harness/verify:FuzzRun \
	harness/contract:FuzzDuplicateKeys harness/record:FuzzAppendEnvelope

.PHONY: fuzz
fuzz:
	@found=$$(grep -rhoE '^func Fuzz[A-Za-z0-9_]+' --include='*_test.go' harness | sed 's/^func //' | sort); \
	listed=$$(for t in $(FUZZ_TARGETS); do echo $${t##*:}; done | sort); \
	if [ "$$found" != "$$listed" ]; then echo "make fuzz: FUZZ_TARGETS lists" $$listed "but the tree has" $$found; exit 1; fi
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; echo "== $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test ./$$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME); \
	done
