# experiment_lib.sh — what the scaled-down experiment tests (tests/test_*_experiment.sh)
# share: reading a run's summary.json, comparing numbers, and counting the per-seed checks.
# Sourced by a test after `set -eu`.

# counter FILE NAME -> the first integer value keyed "NAME" in summary.json (counter
# names are unique there; elapsed_ns too)
counter() {
	sed -n "s/^ *\"$2\": \([0-9]*\),\{0,1\}$/\1/p" "$1" | head -n 1
}

# value FILE DOTTED.PATH -> the value at that path of summary.json, as JSON prints it
# (integers stay integers); 0 when a key on the path is absent
value() {
	python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v=v.get(k, 0) if isinstance(v, dict) else 0
print(v)' "$1" "$2"
}

# gt A B / ge A B: numeric comparisons that also take fractions
gt() { python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)' "$1" "$2"; }
ge() { python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' "$1" "$2"; }

# check DESCRIPTION COMMAND...: one assertion, printed ok/FAIL; checks_done ends the test
# with the count and fails it if any check failed.
fail=0
n=0
check() {
	d=$1; shift
	n=$((n + 1))
	if "$@"; then echo "ok   $d"; else echo "FAIL $d"; fail=$((fail + 1)); fi
}
checks_done() {
	echo "$((n - fail)) passed, $fail failed"
	[ "$fail" -eq 0 ]
}
