#!/bin/sh
# test_trace_threads.sh — the reader thread and blocked gzip traces change nothing a run
# writes: the same trace replayed with the records read on the caller's thread
# (MMSIM_TRACE_THREADS=0), on the reader thread (1, the default) and with inflate threads (3),
# and rewritten as one ordinary gzip member, gives the same run directory byte for byte; a
# truncated or corrupted trace fails the same way (exit 65, the same message naming the record)
# however it is read; what the writers make is gzip for gzip(1) and zcat, the same bytes
# whether they deflate on a thread of their own or not, and a write error fails them cleanly.
test_name=trace_threads; . "${MESON_SOURCE_ROOT:?}/tests/lib.sh"
cd "$work"
command -v gzip >/dev/null 2>&1 || { echo "SKIP: no gzip"; exit 77; }

# A memory-pressured kbuild (reclaim, writeback, task chains) on a small machine.
"$mmsim" gen "$src/workloads/kbuild.yaml" --set duration=150ms -o t.mmt.gz 2> /dev/null
gzip -t t.mmt.gz || fail "gzip -t rejects a blocked trace"
members=$(python3 -c '
import sys, struct
d = open(sys.argv[1], "rb").read(); n = i = 0
while i < len(d):
    assert d[i:i+4] == b"\x1f\x8b\x08\x04", i
    xlen = struct.unpack_from("<H", d, i + 10)[0]
    assert d[i+12:i+16] == b"MB\x18\x00"
    bsize = struct.unpack_from("<I", d, i + 16)[0]
    i += bsize; n += 1
print(n)' t.mmt.gz) || fail "the members of t.mmt.gz do not chain by their sizes"
[ "$members" -gt 2 ] || fail "only $members gzip members: not blocked"
pass "gen writes $members blocked gzip members; gzip -t accepts them"
MMSIM_TRACE_THREADS=0 "$mmsim" gen "$src/workloads/kbuild.yaml" --set duration=150ms -o t0.mmt.gz 2> /dev/null
cmp -s t.mmt.gz t0.mmt.gz || fail "gen writes other bytes deflating on its own thread"
pass "gen writes the same bytes with and without its deflate thread"
# A write error (past ulimit -f, SIGXFSZ ignored: EFBIG) stops gen with exit 74, no file left.
for th in 0 1; do
	rc=0
	(trap '' XFSZ; ulimit -f 64; MMSIM_TRACE_THREADS=$th "$mmsim" gen "$src/workloads/kbuild.yaml" \
		--set duration=150ms -o big$th.mmt.gz > /dev/null 2> err.txt) || rc=$?
	[ "$rc" = 74 ] || fail "gen past the file-size limit, MMSIM_TRACE_THREADS=$th: exit $rc: $(cat err.txt)"
	grep -q "big$th.mmt.gz: write failed: File too large" err.txt || fail "gen write error: $(cat err.txt)"
	[ -z "$(ls | grep "^big$th")" ] || fail "gen left $(ls | grep "^big$th")"
done
pass "a write error stops gen with exit 74 naming the file, nothing left, with or without the thread"
zcat t.mmt.gz | gzip -c > single.mmt.gz
[ "$(zcat t.mmt.gz | md5sum)" = "$(zcat single.mmt.gz | md5sum)" ] || fail "zcat differs"
pass "zcat reads the same bytes from the blocked and the single-member file"

cfg="$src/configs/default.yaml"
machine="--set workload.generator= --set machine.zones.dma32=256MiB --set machine.zones.normal=0 --set devices.swap.size=256MiB"
for form in t single; do
	for th in 0 1 3; do
		mkdir -p "in-$form-$th"
		cp "$form.mmt.gz" "in-$form-$th/trace.mmt.gz"
		(cd "in-$form-$th" && MMSIM_TRACE_THREADS=$th "$mmsim" run "$cfg" $machine \
			--set workload.trace=trace.mmt.gz -o ../out-$form-$th 2> ../err-$form-$th.txt) ||
			fail "run ($form, MMSIM_TRACE_THREADS=$th): $(cat err-$form-$th.txt)"
	done
done
[ -s out-t-0/summary.json ] || fail "no summary.json"
for d in out-t-1 out-t-3 out-single-0 out-single-1; do
	diff -r out-t-0 "$d" > diff.txt || fail "out-t-0 and $d differ: $(head -20 diff.txt)"
done
pass "blocked and single-member, 0, 1 and 3 reader threads: identical run directories"

# Damage: cut inside a later member, cut at a member boundary, a flipped byte in the middle.
size=$(wc -c < t.mmt.gz)
boundary=$(python3 -c '
import sys, struct
d = open(sys.argv[1], "rb").read(); i = 0; b = []
while i < len(d):
    i += struct.unpack_from("<I", d, i + 16)[0]; b.append(i)
print(b[len(b) // 2])' t.mmt.gz)
head -c $((size * 2 / 3)) t.mmt.gz > cut.mmt.gz
head -c "$boundary" t.mmt.gz > cutb.mmt.gz
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[len(d) // 2] ^= 0x55
open(sys.argv[2], "wb").write(d)' t.mmt.gz flip.mmt.gz
for bad in cut cutb flip; do
	for th in 0 1 3; do
		rc=0
		MMSIM_TRACE_THREADS=$th "$mmsim" run "$cfg" $machine --set workload.trace=$bad.mmt.gz \
			-o out-$bad-$th > /dev/null 2> err-$bad-$th.txt || rc=$?
		[ "$rc" = 65 ] || fail "$bad.mmt.gz, MMSIM_TRACE_THREADS=$th: exit $rc, expected 65: $(cat err-$bad-$th.txt)"
		grep -q "record [0-9]" err-$bad-$th.txt || fail "$bad.mmt.gz: no record named: $(cat err-$bad-$th.txt)"
		[ ! -e out-$bad-$th ] || fail "$bad.mmt.gz: a run directory was left"
	done
	cmp -s err-$bad-0.txt err-$bad-1.txt && cmp -s err-$bad-0.txt err-$bad-3.txt ||
		fail "$bad.mmt.gz: messages differ: $(cat err-$bad-0.txt err-$bad-1.txt err-$bad-3.txt)"
	pass "$bad.mmt.gz: exit 65, the same message at any thread count: $(cat err-$bad-0.txt)"
done
echo "$nr_pass passed, 0 failed"
