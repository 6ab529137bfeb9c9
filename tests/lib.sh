# lib.sh — the harness the shell tests share; each test sources it after naming itself:
#     test_name=cli; . "${MESON_SOURCE_ROOT:?}/tests/lib.sh"
# It stops on the first error (set -eu), works in a private directory removed at exit
# (a test with more to undo redefines cleanup and calls cleanup_work from it), counts passes
# and ends failures with the "N passed, N failed" closing line the runners read.
# Env (from tests/meson.build): MMSIM, MESON_SOURCE_ROOT.
set -eu
src=${MESON_SOURCE_ROOT:?}
mmsim=${MMSIM:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/mmsim-${test_name:?}-test.XXXXXX")
cleanup_work() { rm -rf "$work"; }
cleanup() { cleanup_work; }
trap cleanup EXIT
nr_pass=0
fail() { echo "FAIL: $*"; echo "$nr_pass passed, 1 failed"; exit 1; }
pass() { echo "ok   $*"; nr_pass=$((nr_pass + 1)); }

# expect CODE WANT CMD...: mmsim CMD exits CODE and its stderr contains WANT
expect() {
	code=$1 want=$2
	shift 2
	rc=0
	"$mmsim" "$@" > out.txt 2> err.txt || rc=$?
	[ "$rc" = "$code" ] || fail "mmsim $*: exit $rc, expected $code; stderr: $(cat err.txt)"
	grep -q -F -e "$want" err.txt || fail "mmsim $*: stderr lacks '$want': $(cat err.txt)"
}

# finished sweep units: r<k>/summary.json, not the summary a killed run left in r<k>.tmp.<pid>
done_runs() { find "$1/runs" -name summary.json 2>/dev/null | grep -v '\.tmp\.' | wc -l; }
