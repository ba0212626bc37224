# notis — the two commands a newcomer needs are `make site` and `make test`.
GO          ?= go
# staticcheck, pinned, as scripts/test-deps.sh installs it
STATICCHECK := bin/staticcheck

.PHONY: site test check deps bench fuzz serve clean

## site: build the example site in content/ into public/
site:
	$(GO) run ./cmd/notis build

## test: install what the tests drive (Chromium, PostgreSQL, axe-core), then vet, staticcheck and every test
test: deps check
	$(GO) test -count=1 -timeout 25m ./...

## deps: install test dependencies, idempotently
deps:
	./scripts/test-deps.sh

## check: gofmt, go vet and staticcheck
check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "not gofmt-clean:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

## bench: the speed and size benchmarks, each against a baseline measured in the same run
##        (scalebench: 1,000 and 10,000 notices, the file system floor, and Hugo on the same pages when hugo is on PATH)
##        (run `make deps` first: the consent bench starts a local PostgreSQL)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 5x -timeout 20m ./internal/build/
	$(GO) run ./internal/build/scalebench
	$(GO) test -run '^$$' -bench . -timeout 10m ./internal/widget/
	$(GO) test -run '^$$' -bench EditToReload -benchtime 1x -timeout 20m ./internal/dev/
	$(GO) run ./internal/consent/loadtest -require-postgres

## fuzz: run every fuzz target for a minute (FUZZTIME=5m for longer) and keep
##       the inputs it found in the package's testdata/fuzz, where go test runs them
fuzz:
	GO=$(GO) scripts/fuzz.sh

## serve: preview the example site with live reload
serve:
	$(GO) run ./cmd/notis serve

clean:
	rm -rf public .public.prev
