#!/bin/sh
# The fidelity scoreboard (docs/validation.md): `mmsim validate` over the corpus of real
# captures in traces/real/, each figure the median over 3 prefill seeds (one seed's
# replay differs from the next by 2-3 key figures).  A benchmark, not a test: it prints
# the scores and fails only when a replay does not run.  Exit 77 (skipped) without the
# corpus.
# Env (from tests/meson.build): MMSIM, MESON_SOURCE_ROOT.
set -eu
corpus=${MESON_SOURCE_ROOT:?}/traces/real
[ -d "$corpus" ] || { echo "SKIP: no corpus at $corpus"; exit 77; }
exec "${MMSIM:?}" validate --seeds 3 "$corpus"
