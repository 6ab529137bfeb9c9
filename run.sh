#!/usr/bin/env bash
# mmsim: one entry point.
#   ./run.sh          install what is missing, build, run the flagship experiment, print where
#   ./run.sh test     the same set-up, then the whole test suite (arguments go to meson test,
#                     e.g. --suite unit, --setup valgrind)
#   ./run.sh build    set-up and build only
set -euo pipefail
cd "$(dirname "$0")"

BUILD=${MMSIM_BUILD_DIR:-build}
# Debian 12 packages the build and the tests need.
PKGS=(meson ninja-build pkg-config gcc libc6-dev libyaml-dev zlib1g-dev libgsl-dev gnuplot-nox
      libtracecmd-dev libtracefs-dev libtraceevent-dev parallel python3 libdeflate-dev)
# What only `./run.sh test` needs: a real browser for the report test, a one-node Slurm
# cluster for the job-array test.  Installed when possible; the tests skip without them.
TEST_PKGS=(chromium slurm-wlm munge)

say() { printf 'run.sh: %s\n' "$*" >&2; }

missing_packages() {
	local p missing=()
	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	printf '%s\n' "${missing[@]}"
}

install_deps() {
	command -v dpkg-query >/dev/null 2>&1 || { say "not a Debian system: install ${PKGS[*]} by hand"; return 0; }
	mapfile -t missing < <(missing_packages | sed '/^$/d')
	[ ${#missing[@]} -eq 0 ] && return 0
	local sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
			sudo="sudo"
		else
			say "missing packages: ${missing[*]}"
			say "install them with: sudo apt-get install -y ${missing[*]}"
			exit 69
		fi
	fi
	say "installing: ${missing[*]}"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The test-only packages: best effort, so a machine without them still runs the rest.
install_test_deps() {
	command -v dpkg-query >/dev/null 2>&1 || return 0
	local PKGS=("${TEST_PKGS[@]}")
	( install_deps ) || say "could not install ${TEST_PKGS[*]}: the browser and Slurm tests will skip"
}

build() {
	install_deps
	if [ ! -f "$BUILD/build.ninja" ]; then
		meson setup "$BUILD" --buildtype=debugoptimized >/dev/null
	fi
	ninja -C "$BUILD" >/dev/null
}

cmd=${1:-experiment}
case "$cmd" in
build)
	build
	say "built $BUILD/sim/cli/mmsim"
	;;
test)
	shift || true
	# valgrind only for `./run.sh test --setup valgrind` (tests/README.md).
	case " $* " in *" --setup valgrind "* | *" --setup=valgrind "*) PKGS+=(valgrind) ;; esac
	build
	install_test_deps
	set +e
	meson test -C "$BUILD" --num-processes 2 --print-errorlogs "$@"
	rc=$?
	set -e
	# One plain closing line for humans and CI, from meson's own log (testlog-<setup>.json
	# under --setup: the newest one is this run's).
	log=$(ls -t "$BUILD"/meson-logs/testlog*.json | head -n 1)
	python3 - "$log" <<'PY' || true
import json, sys
ok = fail = skip = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): ok += 1
    elif r == "SKIP": skip += 1
    else: fail += 1
print(f"tests: {ok} passed, {fail} failed, {skip} skipped")
PY
	exit $rc
	;;
experiment)
	build
	out=${MMSIM_RESULTS:-results}
	mmsim="$BUILD/sim/cli/mmsim"
	plan=configs/sweeps/flagship.yaml
	[ -f "$plan" ] || plan=configs/sweeps/churn.yaml
	say "running the flagship sweep $plan into $out/flagship"
	# --rerun-stale: points finished by an older mmsim or with other inputs run again
	"$mmsim" sweep "$plan" -o "$out/flagship" --rerun-stale
	"$mmsim" report "$out/flagship" -o "$out/report"
	say "results:  $out/flagship"
	say "report:   $out/report/index.html"
	;;
*)
	say "usage: ./run.sh [test|build]"
	exit 64
	;;
esac
