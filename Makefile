# The two commands of a fresh machine: `make conformance` (the main job) and `make test`.
GO        ?= go
AGENTSTATE = $(GO) run ./harness/cmd/agentstate
REPORT_DIR ?= reports
BENCH_COUNT ?= 5

.PHONY: conformance test vet bench build asyncapi

# The main job: the Ginkgo conformance suite against the embedded broker and the reference
# producer, unless AGENTSTATE_* settings say otherwise. FAULT=<name> injects a fault into the
# reference producer (the run must then fail); LABELS=<filter> selects specs. Reports (JUnit,
# JSON, summary, the captured stream) go to AGENTSTATE_REPORT_DIR (default reports/conformance).
FAULT  ?=
LABELS ?=
GINKGO  = $(GO) run github.com/onsi/ginkgo/v2/ginkgo
conformance:
	@AGENTSTATE_FAULT=$(FAULT) $(GINKGO) $(if $(NO_COLOR),--no-color) $(if $(LABELS),--label-filter='$(LABELS)') ./specs; \
	status=$$?; dir=$${AGENTSTATE_REPORT_DIR:-reports/conformance}; \
	if [ -f $$dir/summary.md ]; then echo; cat $$dir/summary.md; fi; exit $$status

test:
	$(GO) test -count=1 ./...

vet:
	$(GO) vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

bench:
	@mkdir -p $(REPORT_DIR)
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCH_COUNT) ./... | tee $(REPORT_DIR)/bench.txt

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

.PHONY: kafka-up kafka-down test-kafka

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
