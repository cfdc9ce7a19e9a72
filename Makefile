# gomean build, release and check targets. Every binary is static
# (CGO_ENABLED=0) and reproducible: the same source and Go toolchain give the
# same bytes (-trimpath, -buildvcs=false, empty build id, no timestamps).
#
#   make build        static binary for this machine: dist/gomean
#   make dist         release binaries for every PLATFORMS entry + dist/SHA256SUMS
#   make linux        the three Linux release binaries only (what CI builds)
#   make repro        build dist twice in separate folders and compare the sums
#   make sizes        print the size of each binary in dist/
#   make test         go test ./...          make race   go test -race ./...
#   make vet fmt      go vet / gofmt -l check
#   make qemu         test suites under qemu-user (arm64, armv7, s390x)
#   make emptyroot    run the static binary in an empty root with an empty environment
#   make clean

SHELL := /bin/bash
GO ?= go

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)
ifeq ($(strip $(VERSION)),)
VERSION := dev
endif

PKG := ./cmd/gomean
DIST ?= dist
PLATFORMS ?= linux/amd64 linux/arm64 linux/arm/7 darwin/arm64 windows/amd64
LINUX_PLATFORMS := linux/amd64 linux/arm64 linux/arm/7

LDFLAGS := -s -w -buildid= -X main.version=$(VERSION) -X main.commit=$(COMMIT)
# nethttpomithttp2 leaves HTTP/2 out of net/http (about 400 KB): remote
# inputs use HTTP/1.1 keep-alive connections, side by side, as GDAL does.
TAGS := nethttpomithttp2
BUILDFLAGS := -trimpath -buildvcs=false -tags '$(TAGS)' -ldflags '$(LDFLAGS)'

# os/arch[/armversion] -> dist file name: gomean_linux_arm64, gomean_linux_armv7,
# gomean_windows_amd64.exe.
binname = gomean_$(word 1,$(subst /, ,$(1)))_$(word 2,$(subst /, ,$(1)))$(if $(word 3,$(subst /, ,$(1))),v$(word 3,$(subst /, ,$(1))))$(if $(filter windows/%,$(1)),.exe)

.PHONY: all build dist linux sums repro sizes test race vet fmt qemu emptyroot clean

all: build

build:
	@mkdir -p $(DIST)
	CGO_ENABLED=0 $(GO) build $(BUILDFLAGS) -o $(DIST)/gomean $(PKG)

dist: $(addprefix platform/,$(PLATFORMS))
	@$(MAKE) --no-print-directory sums

linux: $(addprefix platform/,$(LINUX_PLATFORMS))
	@$(MAKE) --no-print-directory sums

# platform/OS/ARCH[/GOARM] builds one release binary.
platform/%:
	@mkdir -p $(DIST)
	@set -e; p='$*'; os=$${p%%/*}; rest=$${p#*/}; arch=$${rest%%/*}; arm=; \
	case $$rest in */*) arm=$${rest#*/};; esac; \
	echo "build $(call binname,$*) (GOOS=$$os GOARCH=$$arch$${arm:+ GOARM=$$arm})"; \
	CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch GOARM=$$arm \
		$(GO) build $(BUILDFLAGS) -o $(DIST)/$(call binname,$*) $(PKG)

sums:
	@cd $(DIST) && rm -f SHA256SUMS && sha256sum $$(ls gomean_* | sort) > SHA256SUMS && cat SHA256SUMS

# repro builds the release set twice into two fresh folders, the second time
# with an empty build cache (so nothing is reused), and fails if any byte
# differs.
repro:
	@set -e; a=$$(mktemp -d); b=$$(mktemp -d); c=$$(mktemp -d); trap 'rm -rf "$$a" "$$b" "$$c"' EXIT; \
	$(MAKE) --no-print-directory dist DIST=$$a >/dev/null; \
	GOCACHE=$$c $(MAKE) --no-print-directory dist DIST=$$b >/dev/null; \
	if cmp -s "$$a/SHA256SUMS" "$$b/SHA256SUMS"; then \
		echo "repro: identical bytes for $(words $(PLATFORMS)) binaries (VERSION=$(VERSION)), warm and cold cache"; \
	else echo "repro: builds differ:"; diff "$$a/SHA256SUMS" "$$b/SHA256SUMS"; exit 1; fi

sizes:
	@cd $(DIST) && for f in $$(ls gomean_* | sort); do \
		stat -c '%s %n' "$$f" | awk '{printf "%-26s %9d bytes %6.2f MiB\n", $$2, $$1, $$1/1048576}'; done

test:
	$(GO) test ./...

race:
	$(GO) test -race ./...

vet:
	$(GO) vet ./...

fmt:
	@out=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

qemu:
	bash scripts/qemu-tests.sh

emptyroot:
	bash scripts/emptyroot-test.sh

clean:
	rm -rf $(DIST) gomean gomean.exe
