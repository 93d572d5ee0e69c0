# The two commands of a fresh machine: `make conformance` (the main job) and `make test`.
GO        ?= go
AGENTSTATE = $(GO) run ./harness/cmd/agentstate
REPORT_DIR ?= reports
BENCH_COUNT ?= 5

.PHONY: conformance test vet bench build asyncapi

# The main job. Until the broker and the reference producer land, it re-checks the shipped
# capture of a lawful day of traffic (kcat -J envelopes over three partitions).
conformance:
	$(AGENTSTATE) verify --initial-state clean --report-json $(REPORT_DIR)/conformance.json fixtures/streams/valid-day.kcat.jsonl

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
