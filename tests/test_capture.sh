#!/bin/sh
# mmsim capture on a fake tracefs (MMSIM_CAPTURE_TRACEFS) and /proc (MMSIM_CAPTURE_PROC):
# a ring buffer that dropped events, or still holds unread ones, or was read by someone else
# is refused (exit 75, naming the CPU and the count, nothing written); a clean one writes the
# trace, the snapshots and capture.json; `mmsim import DIR` takes the directory alone;
# `mmsim validate` replays it and prints the figures (hand-checked: 2 kswapd wakes in the
# trace, a pgscan_kswapd delta of 100 put in after.vmstat); `mmsim report` renders that.
# Env (from tests/meson.build): MMSIM, MESON_SOURCE_ROOT.
test_name=capture
. "${MESON_SOURCE_ROOT:?}/tests/lib.sh"
cd "$work"
real=$src/tests/data/real/compile-thp
[ -f "$real/before.zoneinfo" ] || { echo "SKIP: $real missing"; exit 77; }

mkdir -p fake/events/kmem/mm_page_alloc fake/events/kmem/mm_page_free \
	fake/events/vmscan/mm_vmscan_kswapd_wake fake/per_cpu/cpu0 fake/per_cpu/cpu1 proc
for f in tracing_on buffer_size_kb trace set_event_notrace_pid events/kmem/mm_page_alloc/enable \
	events/kmem/mm_page_free/enable events/vmscan/mm_vmscan_kswapd_wake/enable; do
	: > "fake/$f"
done
cat > pipe.txt <<'EOT'
              dd-100     [000] ..... 100.000001: mm_page_alloc: page=0000000012345678 pfn=0x100000 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_ZERO
         kswapd0-50      [001] ..... 100.000010: mm_vmscan_kswapd_wake: nid=0 order=0
         kswapd0-50      [001] ..... 100.000020: mm_vmscan_kswapd_wake: nid=0 order=0
              dd-100     [000] ..... 100.000030: mm_page_free: page=0000000012345678 pfn=0x100000 order=0
EOT
for k in zoneinfo buddyinfo pagetypeinfo vmstat; do cp "$real/before.$k" "proc/$k"; done
printf 'MemTotal:       24683664 kB\nMemFree:         1000000 kB\n' > proc/meminfo
# stats CPU0 CPU1 (entries overrun dropped read for each)
stats() {
	printf 'entries: %s\noverrun: %s\ncommit overrun: 0\nbytes: 0\ndropped events: %s\nread events: %s\n' \
		"$1" "$2" "$3" "$4" > fake/per_cpu/cpu0/stats
	printf 'entries: 0\noverrun: 0\ncommit overrun: 0\nbytes: 0\ndropped events: 0\nread events: %s\n' \
		"$5" > fake/per_cpu/cpu1/stats
	cp pipe.txt fake/trace_pipe
}
export MMSIM_CAPTURE_TRACEFS="$work/fake" MMSIM_CAPTURE_PROC="$work/proc"

stats 0 0 3 2 2
expect 75 "cpu0: 0 overrun, 0 commit overrun, 3 dropped, 0 left unread" capture -o lost -- true
[ ! -e lost ] || fail "a capture that lost events left its directory"
ls | grep -q '\.tmp\.' && fail "a refused capture left a temporary directory"
pass "dropped events: refused (75), cpu and count named, nothing written"

stats 0 4 0 2 2
expect 75 "cpu0: 4 overrun" capture -o lost -- true
stats 5 0 0 2 2
expect 75 "5 left unread" capture -o lost -- true
stats 0 0 0 9 2
expect 75 "another reader" capture -o lost -- true
[ ! -e lost ] || fail "a refused capture left its directory"
pass "overrun, unread and stolen events: refused"

stats 0 0 0 2 2
"$mmsim" capture -o cap -- sh -c 'exit 0' 2> err.txt || fail "clean capture: $(cat err.txt)"
grep -q "4 events in" err.txt || fail "capture summary: $(cat err.txt)"
zcat cap/trace.txt.gz | cmp -s - pipe.txt || fail "trace.txt.gz is not what trace_pipe gave"
for k in zoneinfo buddyinfo pagetypeinfo vmstat meminfo; do
	cmp -s "cap/before.$k" "proc/$k" && cmp -s "cap/after.$k" "proc/$k" || fail "snapshot $k"
done
grep -q '"events": 4' cap/capture.json || fail "capture.json events: $(cat cap/capture.json)"
grep -q '"mm_vmscan_kswapd_wake": 2' cap/capture.json || fail "capture.json event_counts"
grep -q '"vmscan:mm_vmscan_kswapd_wake"' cap/capture.json || fail "capture.json events_enabled"
grep -q '"cma:cma_alloc_start"' cap/capture.json || fail "capture.json events_missing"
grep -q '"command": \[' cap/capture.json || fail "capture.json command"
[ "$(cat fake/tracing_on)" = 0 ] || fail "tracing left on"
[ "$(cat fake/events/kmem/mm_page_alloc/enable)" = 0 ] || fail "event left enabled"
pass "clean capture: trace, before/after snapshots, capture.json (events, counts, enabled, missing)"

expect 64 "names no event" capture -o x --events kmem:nonesuch -- true
stats 0 0 0 2 2
expect 69 "this kernel has no event kmem:mm_page_alloc_extfrag" capture -o x --events kmem:mm_page_alloc_extfrag -- true
pass "--events: unknown names and events this kernel lacks are refused"
unset MMSIM_CAPTURE_TRACEFS MMSIM_CAPTURE_PROC

# -- import takes the directory alone ---------------------------------------------------
mkdir imp
"$mmsim" import cap -o imp/t.mmt.gz 2> err.txt || fail "import DIR: $(cat err.txt)"
grep -q "trace: t.mmt.gz" imp/t.yaml || fail "replay config: $(cat imp/t.yaml)"
grep -q "normal: 5394266" imp/t.yaml || fail "replay config machine: $(cat imp/t.yaml)"
"$mmsim" inspect imp/t.mmt.gz > insp.txt
grep -q "observed.kswapd_wake.*2" insp.txt || fail "observed figures: $(head -40 insp.txt)"
grep -q "import.prefill_source.*before.zoneinfo" insp.txt || fail "prefill from the directory"
expect 64 "brings its own" import cap --prefill "$real/before.zoneinfo"
pass "import DIR: trace, prefill and replay config from the directory alone"

# -- a kernel built with THP (vmstat thp_* lines, or capture.json's thp_enabled): the
# THP-order per-cpu lists are offered, commented out (docs/import.md "Per-cpu lists")
cp -r cap capn
grep -v '^thp_' cap/before.vmstat > capn/before.vmstat
python3 - capn/capture.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
j["machine"].pop("thp_enabled", None)
json.dump(j, open(sys.argv[1], "w"))
PY
"$mmsim" import capn -o imp/n.mmt.gz > /dev/null 2> err.txt || fail "import DIR (no THP): $(cat err.txt)"
grep -q "machine.thp" imp/n.yaml && fail "THP lists offered without THP: $(cat imp/n.yaml)"
echo "thp_fault_alloc 0" >> capn/before.vmstat
"$mmsim" import capn -o imp/y.mmt.gz > /dev/null 2> err.txt || fail "import DIR (THP): $(cat err.txt)"
grep -q "^# machine.thp: true  # built with THP" imp/y.yaml || fail "THP lists not offered: $(cat imp/y.yaml)"
pass "import DIR: a kernel built with THP gets the THP-order per-cpu lists offered (commented out), one without none"

# -- the per-cpu lists' tuning: on for a 6.7+ kernel (or, without a release, a zoneinfo that
# prints high_min/high_max), off for an older one (docs/import.md "Per-cpu lists")
for rel in 6.18.44 6.6.30 none; do
	cp -r cap "capk$rel"
	python3 - "capk$rel/capture.json" "$rel" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
if sys.argv[2] == "none":
    j.pop("kernel", None)
else:
    j.setdefault("kernel", {})["release"] = sys.argv[2]
json.dump(j, open(sys.argv[1], "w"))
PY
	"$mmsim" import "capk$rel" -o "imp/k$rel.mmt.gz" > /dev/null 2> err.txt || fail "import DIR ($rel): $(cat err.txt)"
done
grep -q "^machine.pcp_autotune: true  # the captured kernel tunes pcp high (6.7+: 6.18.44)" imp/k6.18.44.yaml ||
	fail "6.18 lists not tuned: $(grep pcp_autotune imp/k6.18.44.yaml)"
grep -q "^machine.pcp_autotune: false  # pcp high is not tuned (6.6.30)" imp/k6.6.30.yaml ||
	fail "6.6 lists tuned: $(grep pcp_autotune imp/k6.6.30.yaml)"
grep -q "^machine.pcp_autotune: true  # .*high_min/high_max" imp/knone.yaml ||
	fail "high_min/high_max lists not tuned: $(grep pcp_autotune imp/knone.yaml)"
pass "import DIR: the per-cpu lists tuned as the captured kernel tunes them (6.7+ or high_min/high_max), else not"

# -- the replay's swappiness: the command's cgroup v1 memcg's when recorded, else vm.swappiness
python3 - cap/capture.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
j["machine"]["swappiness"] = "200"
j["machine"]["memcg_swappiness"] = "37"
j["command_pid"] = 4242
j["command_memcg"] = "/user.slice/mmsim-capture.4241"
json.dump(j, open(sys.argv[1], "w"))
PY
"$mmsim" import cap -o imp/s.mmt.gz > out_s.txt 2> err_s.txt || fail "import DIR (memcg swappiness): $(cat err_s.txt)"
grep -q "swappiness: 37  # the command's memcg memory.swappiness" imp/s.yaml || fail "memcg swappiness: $(cat imp/s.yaml)"
# vm.page-cluster as the capture recorded it (this machine's), for swap-in readahead
pc=$(cat /proc/sys/vm/page-cluster 2>/dev/null || true)
if [ -n "$pc" ] && [ "$pc" -le 9 ]; then
	grep -q "^devices.swap.page_cluster: $pc  # vm.page-cluster of capture.json" imp/s.yaml ||
		fail "page_cluster $pc not in the replay config: $(cat imp/s.yaml)"
fi
# cgroup v1: the rest of the machine at the value of the memcg the capture ran in (the
# command memcg's parent, where what ran beside it lives)
grep -q "machine.memcg.rest_swappiness: 37  # memory.swappiness of the memcg mmsim capture ran in" imp/s.yaml ||
	fail "v1 rest of the machine's swappiness: $(cat imp/s.yaml)"
# the CPUs' share of their last-level cache, when capture.json has it (this machine's,
# recorded by the capture above when its sysfs shows the caches; replaced here by a
# known value, then removed)
python3 - cap/capture.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
j["machine"]["cpu_data_slice_kb"] = 16384
json.dump(j, open(sys.argv[1], "w"))
PY
"$mmsim" import cap -o imp/c.mmt.gz > /dev/null 2> err.txt || fail "import DIR (data slice): $(cat err.txt)"
grep -q "^machine.cpu_data_slice_kb: 16384  # capture.json" imp/c.yaml || fail "data slice: $(cat imp/c.yaml)"
python3 - cap/capture.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
del j["machine"]["cpu_data_slice_kb"]
json.dump(j, open(sys.argv[1], "w"))
PY
"$mmsim" import cap -o imp/c.mmt.gz > /dev/null 2> err.txt || fail "import DIR (no data slice): $(cat err.txt)"
grep -q "machine.cpu_data_slice_kb" imp/c.yaml && fail "data slice guessed: $(cat imp/c.yaml)"
# the machine's memcgs as the capture began (before.memcgs), summed by swappiness in
# comments: /a 100 + 50 file, 1 + 2 anon and /b 10 file at 60 make 2 memcgs, 160 file, 3
# anon; /c at 200: 5 + 6 file, 3 + 4 anon (its 7 unevictable counted in neither)
grep -q "before.memcgs" imp/c.yaml && fail "memcgs without before.memcgs: $(cat imp/c.yaml)"
printf '# swappiness inactive_anon active_anon inactive_file active_file unevictable path\n60 1 2 100 50 0 /a\n60 0 0 10 0 0 /b\n200 3 4 5 6 7 /c d\n' > cap/before.memcgs
"$mmsim" import cap -o imp/m.mmt.gz > /dev/null 2> err.txt || fail "import DIR (memcgs): $(cat err.txt)"
grep -q "^#   swappiness 60: 2 memcgs, 160 file pages, 3 anon pages$" imp/m.yaml &&
	grep -q "^#   swappiness 200: 1 memcgs, 11 file pages, 7 anon pages$" imp/m.yaml || fail "memcgs: $(cat imp/m.yaml)"
rm cap/before.memcgs
python3 - cap/capture.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
del j["machine"]["memcg_swappiness"]
json.dump(j, open(sys.argv[1], "w"))
PY
"$mmsim" import cap -o imp/v.mmt.gz > /dev/null 2> err.txt || fail "import DIR (cgroup v2 split): $(cat err.txt)"
grep -q "machine.memcg.rest_swappiness: 200  # vm.swappiness" imp/v.yaml ||
	fail "v2: every memcg at vm.swappiness: $(cat imp/v.yaml)"
python3 - cap/capture.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
del j["command_pid"]
del j["command_memcg"]
json.dump(j, open(sys.argv[1], "w"))
PY
"$mmsim" import cap -o imp/g.mmt.gz 2> err.txt || fail "import DIR (vm.swappiness): $(cat err.txt)"
grep -q "swappiness: 200  # vm.swappiness" imp/g.yaml || fail "vm.swappiness: $(cat imp/g.yaml)"
pass "import DIR: the replay's swappiness is the command's memcg's when capture.json has it, else vm.swappiness (split under v2: the rest of the machine's too)"

# -- the command's memcg: split from the rest of the machine only when it had its own
# (imp/s: capture.json named its memcg and pid; imp/g: it did not)
grep -q "split_prefill" imp/g.yaml && fail "memcg split without command_memcg: $(cat imp/g.yaml)"
grep -q "machine.memcg.split_prefill: true" imp/s.yaml || fail "memcg split: $(cat imp/s.yaml)"
grep -q "tasks: 0 of the command's process tree (pid 4242 and its forks)" out_s.txt err_s.txt ||
	fail "command tree summary: $(cat out_s.txt err_s.txt)"
pass "import DIR: the command's tasks charged apart only when capture.json names its own memcg and pid"

# -- validate: the tiny capture, with a pgscan_kswapd delta of 100 -------------------------
awk '$1 == "pgscan_kswapd" { $2 += 100 } { print }' cap/after.vmstat > v && mv v cap/after.vmstat
"$mmsim" validate cap > val.txt 2> err.txt || fail "validate: $(cat err.txt)"
grep -Eq '^kswapd_wake +2 +[0-9]+ .*observed: trace events' val.txt || fail "kswapd_wake row: $(cat val.txt)"
grep -Eq '^pgscan_kswapd +100 ' val.txt || fail "pgscan_kswapd row: $(cat val.txt)"
grep -Eq '^direct_reclaim +- .*not in the capture' val.txt || fail "direct_reclaim row: $(cat val.txt)"
grep -q '^key figures within 2x: ' val.txt || fail "score line: $(cat val.txt)"
grep -Eq '^Normal +[0-9.]+ +[0-9.]+% / [0-9.]+%' val.txt || fail "buddyinfo row: $(cat val.txt)"
"$mmsim" validate --json -o val.json cap 2> err.txt || fail "validate --json: $(cat err.txt)"
grep -q '"format": "mmsim-validate"' val.json || fail "validate json"
"$mmsim" report val.json -o rep > /dev/null 2> err.txt || fail "report of validate: $(cat err.txt)"
grep -q "<svg" rep/index.html && grep -q "kswapd_wake" rep/report.md || fail "validate report"
expect 66 "no capture in it" validate imp
pass "validate: observed from trace and vmstat, marks, buddyinfo row, JSON, report"

# -- validate --seeds: each capture replayed under prefill seeds 0 and 1, medians and spread
"$mmsim" validate --seeds 2 --json -o val2.json cap 2> err.txt || fail "validate --seeds: $(cat err.txt)"
grep -q '"seeds": 2' val2.json && grep -q '"within_2x_min": ' val2.json &&
	grep -q '"simulated_min": ' val2.json || fail "validate --seeds json: $(cat val2.json)"
"$mmsim" report val2.json -o rep2 > /dev/null 2> err.txt || fail "report of validate --seeds: $(cat err.txt)"
grep -q 'class="spread"' rep2/index.html && grep -q 'median over 2 prefill seeds' rep2/report.md ||
	fail "validate --seeds report"
expect 64 "" validate --seeds 0 cap
expect 64 "" validate --seeds 65 cap
pass "validate --seeds: medians over prefill seeds, their spread in the JSON and the report (the table: test_validate)"
echo "$nr_pass passed, 0 failed"
