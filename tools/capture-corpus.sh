#!/usr/bin/env bash
# capture-corpus.sh — (re)make the calibration corpus traces/real/<name>/ with `mmsim capture`
# on this machine (root; docs/validation.md).  Every capture runs under memory pressure made by
# tools/pinmem.c (locked anonymous memory leaving LEAVE_MIB available) over a page cache of
# BALLAST_MIB read twice (so it is active, and a workload's own file pages go first).
# The pinning helper, swap and temporary files are removed after each capture.
#
#   tools/capture-corpus.sh MMSIM OUTDIR [NAME...]     names: writeback anon-swap thp-compact
#                                                      refault compile hugetlb metawalk mixed
#                                                      (default: all)
#
# The sizes can be changed to make other captures of the same kinds (a held-out set to check
# that a model change was not fitted to the corpus): LEAVE_MIB, BALLAST_MIB, WB_MIB (200),
# ANON_MIB (anon-swap 512, refault 384), FILE_MIB (256), THP_MIB (400), THP_FRAG_MIB (1024),
# HUGE_PAGES (128), MIXED_MIB (192), WALK_DIRS ("/usr/share /usr/include"), COMPILE_SOURCES
# ("oom|pin|cma_none|lru": sim/mm/ files, an extended regex alternation).
set -euo pipefail
MMSIM=$(readlink -f "$1"); OUT=$(readlink -f "$2"); shift 2
SRC=$(cd "$(dirname "$0")/.." && pwd)
LEAVE_MIB=${LEAVE_MIB:-2048}
BALLAST_MIB=${BALLAST_MIB:-1536}
WORK=/var/tmp/mmsim-corpus.$$
# Every event the importer reads but the slab-level ones and the two high-volume
# kmem events that only count (mm_page_alloc_zone_locked, mm_page_pcpu_drain): under
# pressure on a shared machine the rest already comes to millions a second.
EVENTS=${EVENTS:-kmem:mm_page_alloc,kmem:mm_page_free,kmem:mm_page_free_batched,kmem:mm_page_alloc_extfrag,kmem:mm_setup_per_zone_wmarks,filemap,vmscan,compaction,migrate,writeback,exceptions,cma,page_isolation,sched:sched_process_fork}
BUFFER_MB=${BUFFER_MB:-128}
mkdir -p "$WORK" "$OUT"
PIN_PID=""; SWAP=""; FRAG_PID=""
SWAPPINESS=$(cat /proc/sys/vm/swappiness)
# A cgroup v1 memcg other than the root reclaims with its own memory.swappiness, not
# vm.swappiness: the capture's own memcg is set alongside (and restored), or its 60 wins.
MEMCG=$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
MEMCG_SWAPPINESS_FILE=""
if [ -n "$MEMCG" ] && [ "$MEMCG" != / ] && [ -w "/sys/fs/cgroup/memory$MEMCG/memory.swappiness" ]; then
	MEMCG_SWAPPINESS_FILE=/sys/fs/cgroup/memory$MEMCG/memory.swappiness
	MEMCG_SWAPPINESS=$(cat "$MEMCG_SWAPPINESS_FILE")
fi
set_swappiness() {
	echo "$1" > /proc/sys/vm/swappiness
	[ -z "$MEMCG_SWAPPINESS_FILE" ] || echo "$2" > "$MEMCG_SWAPPINESS_FILE" || true
}
cleanup() {
	[ -n "$FRAG_PID" ] && kill "$FRAG_PID" 2>/dev/null && wait "$FRAG_PID" 2>/dev/null || true
	[ -n "$PIN_PID" ] && kill "$PIN_PID" 2>/dev/null && wait "$PIN_PID" 2>/dev/null || true
	[ -n "$SWAP" ] && swapoff "$SWAP" 2>/dev/null || true
	rm -f "$WORK/swapfile" "$WORK/ready"
	set_swappiness "$SWAPPINESS" "${MEMCG_SWAPPINESS:-}"
	echo 0 > /proc/sys/vm/nr_hugepages
	PIN_PID=""; SWAP=""; FRAG_PID=""
}
trap 'cleanup; rm -rf "$WORK"' EXIT
cc -O2 -Wall -o "$WORK/pinmem" "$SRC/tools/pinmem.c"

ballast() {
	local f="$WORK/ballast.$BALLAST_MIB"
	[ -f "$f" ] || { rm -f "$WORK"/ballast.*; dd if=/dev/urandom of="$f" bs=1M count="$BALLAST_MIB" status=none; }
	cat "$f" > /dev/null; cat "$f" > /dev/null
}
# pin [FRAGMENT_MIB]: lock all but LEAVE_MIB (and optionally hold FRAGMENT_MIB of order-0
# pages of which every other one is freed again, so the free memory is fragmented).
pin() {
	ballast
	rm -f "$WORK/ready"
	"$WORK/pinmem" "$LEAVE_MIB" "$WORK/ready" ${1:-} & PIN_PID=$!
	while [ ! -s "$WORK/ready" ]; do kill -0 "$PIN_PID" || exit 1; sleep 0.2; done
}
# the ballast read twice more once pinned: the pinning pushed much of it onto the inactive list,
# ahead of what the workload adds; active again, it leaves the inactive file list short, so
# reclaim turns to the workload's own file pages and (swappiness 200) its anonymous ones
reactivate() {
	local f="$WORK/ballast.$BALLAST_MIB"
	cat "$f" > /dev/null; cat "$f" > /dev/null
}
capture() { # NAME CMD...
	local name=$1; shift
	rm -rf "$OUT/$name"
	"$MMSIM" capture -o "$OUT/$name" --buffer-mb "$BUFFER_MB" --events "$EVENTS" -- timeout 60 "$@"
}

do_writeback() {
	pin
	capture writeback sh -c "dd if=/dev/zero of=$WORK/wb.dat bs=1M count=${WB_MIB:-200} conv=fsync status=none; rm $WORK/wb.dat"
}
do_anon_swap() {
	dd if=/dev/zero of="$WORK/swapfile" bs=1M count=128 status=none
	chmod 600 "$WORK/swapfile"; mkswap -q "$WORK/swapfile"; swapon "$WORK/swapfile"; SWAP="$WORK/swapfile"
	# ANON_MIB of anonymous memory written twice, more than is free, with swappiness 200
	# (anonymous and file pages equally cheap to reclaim) so that some is swapped out and in.
	# The pin leaves ANON_MIB more available (the workload takes it) over a ballast larger by
	# ANON_MIB + 512 (page cache, so reclaim has file to weigh against the anonymous pages):
	# MemAvailable stays above 1.5 GiB while it runs.  Kept short: the machine's other users
	# add some 300,000 events a second.
	local ANON_MIB=${ANON_MIB:-512}
	local LEAVE_MIB=$((LEAVE_MIB + ANON_MIB)) BALLAST_MIB=$((BALLAST_MIB + ANON_MIB + 512))
	pin; reactivate
	set_swappiness 200 200
	capture anon-swap python3 -c "
import mmap
n = ${ANON_MIB} << 20
m = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE)
m.madvise(mmap.MADV_NOHUGEPAGE)
for p in range(2):
    for i in range(0, n, 4096):
        m[i] = p + 1
"
}
do_thp_compact() {
	pin "${THP_FRAG_MIB:-1024}"
	capture thp-compact python3 -c "
import mmap
n = ${THP_MIB:-400} << 20
m = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE)
m.madvise(mmap.MADV_HUGEPAGE)
for i in range(0, n, 4096):
    m[i] = 1
"
}
do_refault() {
	# a FILE_MIB file written, pushed partly out of the page cache by ANON_MIB of anonymous
	# memory, and read back (refaults of its evicted pages, not drop_caches); the pin leaves
	# ANON_MIB more available over a ballast larger by as much (see do_anon_swap)
	local ANON_MIB=${ANON_MIB:-384}
	local LEAVE_MIB=$((LEAVE_MIB + ANON_MIB)) BALLAST_MIB=$((BALLAST_MIB + ANON_MIB))
	pin; reactivate
	capture refault sh -c "dd if=/dev/zero of=$WORK/rf.dat bs=1M count=${FILE_MIB:-256} conv=fsync status=none
python3 -c '
import mmap
n = ${ANON_MIB} << 20
m = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE)
m.madvise(mmap.MADV_NOHUGEPAGE)
for i in range(0, n, 4096):
    m[i] = 1
'
cat $WORK/rf.dat > /dev/null; rm $WORK/rf.dat"
}
do_compile() {
	# four of mmsim's own memory-management sources, compiled two at a time
	meson setup "$WORK/build" "$SRC" >/dev/null
	local objs
	objs=$(ninja -C "$WORK/build" -t targets all | sed -n 's/^\(sim\/libmmsim.a.p\/mm_[a-z_]*\.c\.o\):.*/\1/p' | grep -E "mm_(${COMPILE_SOURCES:-oom|pin|cma_none|lru})\.c" | head -4)
	pin
	capture compile ninja -C "$WORK/build" -j2 $objs
}
do_hugetlb() {
	pin 512
	# HUGE_PAGES (128: 256 MiB) huge pages allocated by the kernel as contiguous order-9
	# blocks, then freed
	capture hugetlb sh -c "echo ${HUGE_PAGES:-128} > /proc/sys/vm/nr_hugepages; grep HugePages_Total /proc/meminfo; echo 0 > /proc/sys/vm/nr_hugepages"
}

# A directory tree walked with cold dentry and inode caches (drop_caches 2 frees the
# reclaimable slab first): slab allocations by the thousand, which reclaim's shrinkers
# trim under the pin's pressure.
walk_tree() {
	echo 2 > /proc/sys/vm/drop_caches
	echo "find ${WALK_DIRS:-/usr/share /usr/include} -xdev -printf '%s %i\\n' | wc -l"
}
do_metawalk() {
	pin
	capture metawalk sh -c "$(walk_tree)"
}
# The four together, one after the other: a file written back (dd + fsync), THP faults
# in a MADV_HUGEPAGE region, a metadata walk, and the file read back.
do_mixed() {
	pin 512
	capture mixed sh -c "dd if=/dev/zero of=$WORK/mx.dat bs=1M count=${MIXED_MIB:-192} conv=fsync status=none
python3 -c '
import mmap
n = ${MIXED_MIB:-192} << 20
m = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE)
m.madvise(mmap.MADV_HUGEPAGE)
for i in range(0, n, 4096):
    m[i] = 1
'
$(walk_tree)
cat $WORK/mx.dat > /dev/null; rm $WORK/mx.dat"
}

names=("$@"); [ ${#names[@]} -eq 0 ] && names=(writeback anon-swap thp-compact refault compile hugetlb metawalk mixed)
for n in "${names[@]}"; do
	echo "== $n" >&2
	"do_${n//-/_}"
	cleanup
	du -sh "$OUT/$n" >&2
done
