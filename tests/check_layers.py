#!/usr/bin/env python3
"""check_layers.py SIM_DIR — every #include "..." under SIM_DIR goes downwards.

The layers (a module may include its own files and those of the modules listed for it):

  0  common   sim/common.{h,c}
  0  kernel   sim/kernel/   kernel vocabulary          common (lib)
  0  lib      sim/lib/      generic primitives         common
  1  engine   sim/engine/                              common lib
  2  mm       sim/mm/                                  common kernel lib engine
  2  trace    sim/trace/                               common kernel lib
  2  config   sim/config/                              common kernel lib
  3  workload sim/workload/                            + trace config
  3  stats    sim/stats/                               + engine mm trace config
  4  sim      sim/sim.{h,c}                            everything below
  5  sweep    sim/sweep/, report sim/report/,
           validate sim/validate/                    everything below and sim
  6  cli      sim/cli/                                 everything

An include is resolved as the compiler does with -Isim -I.: next to the including file,
then under sim/, then under the source root.  The build's generated mmsim-config.h (meson
configure_file) is allowed everywhere.  Each wrong-way or unresolvable include is printed
as file:line: message; the exit status is 1 if there is any, else 0.
"""
import os
import re
import sys

BELOW = {
    "common": set(),
    "kernel": {"common", "lib"},
    "lib": {"common"},
    "engine": {"common", "lib"},
    "mm": {"common", "kernel", "lib", "engine"},
    "trace": {"common", "kernel", "lib"},
    "config": {"common", "kernel", "lib"},
    "workload": {"common", "kernel", "lib", "trace", "config"},
    "stats": {"common", "kernel", "lib", "engine", "mm", "trace", "config"},
}
BELOW["sim"] = set(BELOW) - {"sim"}
BELOW["sweep"] = BELOW["sim"] | {"sim"}
BELOW["report"] = BELOW["sim"] | {"sim"}
BELOW["validate"] = BELOW["sim"] | {"sim"}
BELOW["cli"] = BELOW["sim"] | {"sim", "sweep", "report", "validate"}

GENERATED = {"mmsim-config.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def module_of(sim_dir, path):
    """The layer-table module a file under sim_dir belongs to, or None (outside sim/)."""
    rel = os.path.relpath(path, sim_dir)
    if rel.startswith(".."):
        return None
    parts = rel.split(os.sep)
    if len(parts) == 1:
        stem = os.path.splitext(parts[0])[0]
        return stem if stem in ("common", "sim") else "sim"
    return parts[0]


def resolve(sim_dir, including, name):
    for base in (os.path.dirname(including), sim_dir, os.path.dirname(sim_dir)):
        cand = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(cand):
            return cand
    return None


def check(sim_dir):
    sim_dir = os.path.normpath(os.path.abspath(sim_dir))
    errors = []
    nr_includes = 0
    for root, dirs, files in os.walk(sim_dir):
        dirs.sort()
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(root, f)
            src = module_of(sim_dir, path)
            shown = os.path.relpath(path, os.path.dirname(sim_dir))
            if src not in BELOW:
                errors.append(f"{shown}:1: module '{src}' is not in the layer table (tests/check_layers.py)")
                continue
            with open(path, encoding="utf-8", errors="replace") as fp:
                for lineno, line in enumerate(fp, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    nr_includes += 1
                    name = m.group(1)
                    target = resolve(sim_dir, path, name)
                    if target is None:
                        if os.path.basename(name) in GENERATED:
                            continue
                        errors.append(f'{shown}:{lineno}: #include "{name}" does not resolve to a file')
                        continue
                    dst = module_of(sim_dir, target)
                    if dst is None:
                        errors.append(f'{shown}:{lineno}: #include "{name}" reaches outside sim/')
                    elif dst != src and dst not in BELOW[src]:
                        errors.append(f'{shown}:{lineno}: #include "{name}": {src} may not include {dst} '
                                      f'(allowed: {", ".join(sorted(BELOW[src])) or "nothing"})')
    return errors, nr_includes


def main():
    if len(sys.argv) != 2:
        print("usage: check_layers.py SIM_DIR", file=sys.stderr)
        return 64
    errors, nr = check(sys.argv[1])
    for e in errors:
        print(e)
    print(f"check_layers: {nr} includes, {len(errors)} going the wrong way", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
