#!/usr/bin/env bash
# Alternates `fima bench step` (Java, DJL, libtorch 2.7.1) and bench/pytorch_step.py (PyTorch) on
# the same cases and thread count, ROUNDS times each, so that both see the same machine load.
# Usage: THREADS=2 ROUNDS=3 STEPS=5 WARMUP=2 PROFILE=2 bench/compare_step.sh r3d-tiny:8:56:16 i3d:16:112:2
# Prints every row as it comes; compare the best rounds (least disturbed by other processes).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
threads=${THREADS:-2}
rounds=${ROUNDS:-3}
steps=${STEPS:-5}
warmup=${WARMUP:-2}
profile=${PROFILE:-2}
python=${PYTHON:-/usr/bin/python3}
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=(r3d-tiny:8:56:16 r3d-18:16:112:2 i3d:16:112:2)
echo "# $(date -u +%FT%TZ) $(nproc) cores, threads=$threads, rounds=$rounds, warmup=$warmup, steps=$steps, profiled=$profile"
for c in "${cases[@]}"; do
  for r in $(seq "$rounds"); do
    echo "java  r$r $(./fima bench step --case "$c" --threads "$threads" --steps "$steps" --warmup "$warmup" --profile-steps "$profile" | tail -1)  load $(cut -d' ' -f1 /proc/loadavg)"
    echo "torch r$r $("$python" bench/pytorch_step.py --case "$c" --threads "$threads" --steps "$steps" --warmup "$warmup" | tail -1)  load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
