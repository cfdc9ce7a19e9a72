# gomean as a FROM scratch image: one static binary (CGO_ENABLED=0) and the
# CA certificates for future remote reads; nothing else.
#
#   docker build -t gomean --build-arg VERSION=$(git describe --tags --always --dirty) .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/data" gomean -o mean.tif a.tif b.tif c.tif
#
# Multi-arch: docker buildx build --platform linux/amd64,linux/arm64,linux/arm/v7 .
# (the builder runs natively and cross-compiles; no emulation is needed).

FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
# Set by BuildKit from --platform; empty with the classic builder.
ARG TARGETOS
ARG TARGETARCH
ARG TARGETVARIANT
ARG VERSION=dev
ARG COMMIT=
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN GOARM="${TARGETVARIANT#v}" CGO_ENABLED=0 GOOS="${TARGETOS:-linux}" GOARCH="${TARGETARCH:-amd64}" \
    go build -trimpath -buildvcs=false -tags nethttpomithttp2 \
      -ldflags "-s -w -buildid= -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/gomean ./cmd/gomean

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/gomean /gomean
WORKDIR /data
ENTRYPOINT ["/gomean"]
