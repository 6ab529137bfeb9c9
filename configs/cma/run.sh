#!/usr/bin/env bash
# The CMA experiments: configs/experiment.sh cma [-o OUTDIR] [-j N] [EXP...]
#   EXP: utilisation reclaim-waste atomic compaction camera (default: all)
exec "$(cd "$(dirname "$0")/.." && pwd)/experiment.sh" cma "$@"
