# The two commands of a fresh machine: `make conformance` (the main job) and `make test`.
GO        ?= go
AGENTSTATE = $(GO) run ./harness/cmd/agentstate
REPORT_DIR ?= reports
BENCH_COUNT ?= 6

.PHONY: conformance test vet lint bench build asyncapi

# The main job: the Ginkgo conformance suite against the embedded broker and the reference
# producer, unless AGENTSTATE_* settings say otherwise. FAULT=<name> injects a fault into the
# reference producer (the run must then fail); LABELS=<filter> selects specs. Reports (JUnit,
# JSON, summary, the captured stream) go to AGENTSTATE_REPORT_DIR (default reports/conformance).
# A relative AGENTSTATE_SUT_COMMAND is resolved against the directory make ran from
# (AGENTSTATE_WORKDIR), not specs/, where the suite runs.
FAULT  ?=
LABELS ?=
GINKGO  = $(GO) run github.com/onsi/ginkgo/v2/ginkgo
# The summary is printed last; an earlier run's is removed first, so that a suite that fails to
# build or to start never shows the last run's verdict.
conformance:
	@dir=$${AGENTSTATE_REPORT_DIR:-reports/conformance}; case $$dir in /*) ;; *) dir=$(CURDIR)/$$dir;; esac; \
	rm -f $$dir/summary.md $$dir/summary.json $$dir/junit.xml $$dir/ginkgo.json; \
	AGENTSTATE_REPORT_DIR=$$dir AGENTSTATE_WORKDIR=$${AGENTSTATE_WORKDIR:-$(CURDIR)} AGENTSTATE_FAULT=$(FAULT) $(GINKGO) $(if $(NO_COLOR),--no-color) $(if $(LABELS),--label-filter='$(LABELS)') ./specs; \
	status=$$?; \
	if [ -f $$dir/summary.md ]; then echo; cat $$dir/summary.md; \
	elif [ $$status -ne 0 ]; then echo; echo "# voice-agentstate conformance: FAIL (the suite wrote no summary; see its output above)"; fi; exit $$status

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

build:
	$(GO) build -o .cache/bin/agentstate ./harness/cmd/agentstate

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
	harness/contract:FuzzDuplicateKeys

.PHONY: fuzz
fuzz:
	@found=$$(grep -rhoE '^func Fuzz[A-Za-z0-9_]+' --include='*_test.go' harness | sed 's/^func //' | sort); \
	listed=$$(for t in $(FUZZ_TARGETS); do echo $${t##*:}; done | sort); \
	if [ "$$found" != "$$listed" ]; then echo "make fuzz: FUZZ_TARGETS lists" $$listed "but the tree has" $$found; exit 1; fi
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; echo "== $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test ./$$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME); \
	done
