#!/usr/bin/env bash
# Runs the test suites on other architectures under qemu-user, with no
# binfmt setup needed: test binaries are cross-compiled with `go test -c`
# (CGO_ENABLED=0) and started through qemu-ARCH-static explicitly, from their
# package directory so ../testdata and ../../shared resolve as on the host.
#
#   scripts/qemu-tests.sh [SUITE...]     SUITE: arm64 armv7 s390x (default: all three)
#
#   arm64  every package, -test.short
#   armv7  every package, -test.short, GOMEMLIMIT=900MiB, then every test whose
#          name contains BigTIFF or Offset again without -short (offsets past
#          2 GiB and 4 GiB on a 32-bit int platform); the peak RSS of each
#          qemu process (guest heap + qemu's own code cache) must stay under
#          QEMU_MAX_RSS_MIB (default 1000), the budget of a 1 GB board
#   s390x  big-endian host: geotiff reader/writer round trips only
#          (-test.run 'RoundTrip|BigEndian'), -test.short
#
# Environment: QEMU_SHORT=0 runs the full suites instead of -test.short;
# QEMU_TIMEOUT (default 8m) is each test binary's -test.timeout.
#
# Why not `ulimit -v` for the 1 GB check: qemu-arm-static reserves the whole
# 4 GiB guest address space up front on a 64-bit host, so any ulimit -v below
# about 4.3 GB stops qemu before the guest starts, and qemu 7.2's -R (smaller
# reserved guest space) aborts on Go binaries. GOMEMLIMIT plus the measured
# peak RSS is what works here.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
short=${QEMU_SHORT:-1}
timeout=${QEMU_TIMEOUT:-8m}
max_rss_mib=${QEMU_MAX_RSS_MIB:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(arm64 armv7 s390x)

shortflag=()
[ "$short" = 1 ] && shortflag=(-test.short)

failed=0
suite_pass=0

# build GOARCH GOARM OUTDIR PKG... compiles one test binary per package that
# has tests, named after the package directory with / turned into _.
build() {
	local arch=$1 arm=$2 out=$3
	shift 3
	mkdir -p "$out"
	local pkg dir name
	for pkg in "$@"; do
		dir=$(go list -f '{{.Dir}}' "$pkg")
		name=${dir#"$root"}; name=${name#/}; name=${name//\//_}
		[ -n "$name" ] || name=root
		CGO_ENABLED=0 GOOS=linux GOARCH=$arch GOARM=$arm \
			go test -c -trimpath -o "$out/$name.test" "$pkg"
		# go test -c writes nothing for a package without test files.
		[ -f "$out/$name.test" ] && echo "$dir $out/$name.test" >>"$out/list"
	done
	return 0
}

# runsuite LABEL QEMU OUTDIR LIST [ENV=VALUE...] -- TESTFLAGS... runs every
# binary of OUTDIR's list in verbose mode and reports time, peak RSS and test
# counts of each; LIST=1 also names the tests that passed or skipped.
runsuite() {
	local label=$1 qemu=$2 out=$3 list=$4
	shift 4
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	local dir bin log rc start secs rss pkg
	[ -f "$out/list" ] || { echo "qemu: $label: no test binaries"; return 0; }
	while read -r dir bin; do
		pkg=${dir#"$root"}; pkg=.${pkg:-/}
		log=$work/$(basename "$bin").$RANDOM.log
		start=$(date +%s.%N)
		set +e
		(cd "$dir" && env "${envs[@]}" /usr/bin/time -f '%M' -o "$log.rss" \
			"$qemu" "$bin" -test.v -test.timeout "$timeout" "$@" >"$log" 2>&1)
		rc=$?
		set -e
		secs=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2-$1}')
		rss=$(tail -n 1 "$log.rss" 2>/dev/null | awk '{printf "%d", $1/1024}')
		if [ $rc -ne 0 ]; then
			echo "qemu: FAIL $label $pkg (${secs}s, peak RSS ${rss} MiB, exit $rc):"
			grep -vE -- '^\s*(=== (RUN|PAUSE|CONT|NAME)|--- PASS)' "$log" | tail -n 60 | sed 's/^/    /'
			failed=1
		elif [ -n "$max_rss_mib" ] && [ "${rss:-0}" -gt "$max_rss_mib" ] && [[ $label == armv7* ]]; then
			echo "qemu: FAIL $label $pkg: peak RSS ${rss} MiB over the ${max_rss_mib} MiB budget (${secs}s)"
			failed=1
		else
			local pass skip
			pass=$(grep -cE -- '^\s*--- PASS' "$log" || true)
			skip=$(grep -cE -- '^\s*--- SKIP' "$log" || true)
			echo "qemu: ok   $label $pkg (${secs}s, peak RSS ${rss} MiB, $pass passed, $skip skipped)"
			suite_pass=$((suite_pass + pass))
			# Name the tests that ran when the run was filtered.
			if [ "$list" = 1 ]; then
				grep -E -- '^\s*--- (PASS|SKIP)' "$log" | sed 's/^/    /' | head -40 || true
			fi
		fi
	done <"$out/list"
}

need() {
	command -v "$1" >/dev/null || { echo "qemu: $1 not found: apt-get install qemu-user-static" >&2; exit 1; }
}
[ -x /usr/bin/time ] || { echo "qemu: /usr/bin/time not found: apt-get install time" >&2; exit 1; }

mapfile -t pkgs < <(go list ./...)

for s in "${suites[@]}"; do
	t0=$(date +%s)
	case $s in
	arm64)
		need qemu-aarch64-static
		build arm64 "" "$work/arm64" "${pkgs[@]}"
		runsuite arm64 qemu-aarch64-static "$work/arm64" 0 -- "${shortflag[@]}"
		;;
	armv7)
		need qemu-arm-static
		build arm 7 "$work/armv7" "${pkgs[@]}"
		runsuite armv7 qemu-arm-static "$work/armv7" 0 GOMEMLIMIT=900MiB -- "${shortflag[@]}"
		if [ "$short" = 1 ]; then
			# The large-offset tests in full, whatever -short would skip.
			suite_pass=0
			runsuite armv7-bigoffsets qemu-arm-static "$work/armv7" 1 GOMEMLIMIT=900MiB -- \
				-test.run 'BigTIFF|Offset'
			[ "$suite_pass" -gt 0 ] || echo "qemu: warning: no test named *BigTIFF* or *Offset* exists yet"
		fi
		;;
	s390x)
		need qemu-s390x-static
		build s390x "" "$work/s390x" ./geotiff/
		runsuite s390x qemu-s390x-static "$work/s390x" 1 -- \
			-test.short -test.run 'RoundTrip|BigEndian'
		;;
	*)
		echo "qemu: unknown suite $s (want arm64, armv7 or s390x)" >&2
		exit 2
		;;
	esac
	echo "qemu: suite $s took $(($(date +%s) - t0))s (build included)"
done

exit $failed
