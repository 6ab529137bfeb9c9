#!/usr/bin/env python3
"""Writes the report/compare fixtures: two configurations (migrate_cma, zone_cma) x 3 repeats
in the `mmsim run` directory layout (summary.json, timeseries.tsv, latency.tsv, buddyinfo).
The numbers are made up but shaped like a run: zone_cma has a higher mean movable p99
latency (~+20%) and more compaction stalls, with small per-repeat spread, so compare
must mark those rows significant.  Rerun only to change the fixtures."""
import json, os, math

HERE = os.path.dirname(os.path.abspath(__file__))
ZONES = ["DMA32", "Normal"]
CLASSES = ["movable", "unmovable", "atomic", "highorder", "cma_device"]
OUTCOMES = ["satisfied", "fail_order", "fail_nowait", "fail_noretry", "fail_costly",
            "fail_retry_mayfail", "fail_lowmem", "fail_no_victim", "fail_cma_busy", "killed",
            "unfinished"]

def write_run(d, mode, rep):
    os.makedirs(d, exist_ok=True)
    k = 1.2 if mode == "zone_cma" else 1.0
    jit = [-1, 0, 1][rep]
    lat = {}
    for ci, c in enumerate(CLASSES):
        mean = (200 + 100 * ci) * k + 3 * jit
        lat[c] = {"count": 1000 + 10 * ci, "mean_ns": mean, "p50_ns": round(mean * 0.8),
                  "p90_ns": round(mean * 2), "p99_ns": round(mean * 5 + 7 * jit),
                  "max_ns": round(mean * 20)}
    summary = {
        "mmsim_version": "0.1.0", "seed": 100 + rep,
        "config": {"policy": {"cma": {"mode": mode}}, "machine": {"zones": {"normal": "256MiB"}}},
        "elapsed_ns": int(2_000_000_000 * k) + 1_000_000 * jit, "records": 50000,
        "counters": {"nr_free_pages": 20000 + 100 * jit, "pgalloc_normal": 50000,
                     "compact_stall": int(10 * k * k) + jit + (5 if mode == "zone_cma" else 0),
                     "pgscan_kswapd": 3000 + int(500 * k) + 20 * jit, "allocstall_normal": 0},
        "latency": lat,
    }
    # Allocation outcomes (summary.c write_outcomes): movable all served except, in
    # zone_cma's third repeat, 4 requests whose task was OOM-killed and 1 still blocked;
    # atomic fails 3, 5, 7 times (fail_nowait) under migrate_cma, never under zone_cma.
    outcome = {}
    for c in CLASSES:
        o = {k: 0 for k in OUTCOMES}
        if c == "movable":
            if mode == "zone_cma" and rep == 2:
                o["killed"], o["unfinished"] = 4, 1
            o["satisfied"] = 1000 - o["killed"] - o["unfinished"]
        elif c == "atomic":
            o["fail_nowait"] = [3, 5, 7][rep] if mode == "migrate_cma" else 0
            o["satisfied"] = 500 - o["fail_nowait"]
        failed = sum(v for k, v in o.items() if k.startswith("fail_"))
        outcome[c] = {"requests": sum(o.values()), "failed": failed, **o}
    summary["alloc_outcome"] = outcome
    killed = mode == "zone_cma" and rep == 2
    summary["counters"]["oom_kill"] = 1 if killed else 0
    summary["records_skipped_killed"] = 37 if killed else 0
    # zone_cma's second repeat ended with a task still blocked and 210 of its records unissued
    summary["records_unissued"] = 210 if mode == "zone_cma" and rep == 1 else 0
    summary["oom_kills"] = [{"task": 9, "time_ns": 1_500_000_000, "points": 812,
                             "pages_freed": 2048, "requester": 4}] if killed else []
    # kswapd 10 ms (+-1 ms) of CPU per run on 2 CPUs: share = busy / (elapsed x 2)
    busy = 10_000_000 + 1_000_000 * jit
    summary["daemons"] = {"kswapd_busy_ns": busy, "kcompactd_busy_ns": 0,
                          "kswapd_cpu_share": round(busy / (summary["elapsed_ns"] * 2), 9),
                          "kcompactd_cpu_share": 0}
    with open(os.path.join(d, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    # timeseries: 40 samples 10 ms apart
    cols = ["time_ns"]
    for z in ZONES:
        cols += [f"free_{z}", f"min_{z}", f"low_{z}", f"high_{z}", f"nr_free_cma_{z}"]
        cols += [f"buddy_{z}_o{o}" for o in range(11)]
    cols += ["kswapd_active", "kcompactd_active", "cma_used_pages"]
    for z in ZONES:
        cols += [f"unusable_index_{z}_o9", f"frag_index_{z}_o9"]
    with open(os.path.join(d, "timeseries.tsv"), "w") as f:
        f.write("\t".join(cols) + "\n")
        for i in range(40):
            row = [i * 10_000_000]
            for zi, z in enumerate(ZONES):
                size = 65536 * (zi + 1)
                mn = 256 * (zi + 1)
                free = int(size * (0.5 - 0.45 * i / 39) + 300 * math.sin(i / 3.0 + rep)) + mn
                row += [free, mn, mn * 5 // 4, mn * 3 // 2, 2048 if zi == 1 else 0]
                # buddy counts: higher orders drain as memory fills and fragments
                for o in range(11):
                    row.append(max(0, int(free / (1 << o) / (2 + o) * (1 - i / 45) ** o)))
            row += [1 if i % 7 in (3, 4) else 0, 1 if i % 11 == 5 else 0, 100 * i]
            for zi, z in enumerate(ZONES):
                row += [min(1000, 20 * i), -1000 if i < 30 else 500]
            f.write("\t".join(str(x) for x in row) + "\n")
    with open(os.path.join(d, "latency.tsv"), "w") as f:
        f.write("class\tupper_ns\tcount\n")
        # as sim/stats/latency.c writes it: bucket 0 holds 0 ns (upper 0), bucket b >= 1
        # holds [2^(b-1), 2^b - 1]; every bucket from 0 up to the highest non-empty one
        for ci, c in enumerate(CLASSES):
            centre = 8 + ci + (1 if mode == "zone_cma" else 0)
            for b in range(0, centre + 6):
                cnt = int(1000 * math.exp(-((b - centre) ** 2) / 4.0)) + (rep if b == centre else 0)
                f.write(f"{c}\t{(1 << b) - 1}\t{cnt}\n")
    with open(os.path.join(d, "buddyinfo"), "w") as f:
        f.write("Node 0, zone    DMA32    100     50     25     12      6      3      1      1      0      0      0\n")
        f.write("Node 0, zone   Normal    200    100     50     25     12      6      3      1      1      0      0\n")

for mode in ["migrate_cma", "zone_cma"]:
    for rep in range(3):
        write_run(os.path.join(HERE, mode, f"r{rep}"), mode, rep)
