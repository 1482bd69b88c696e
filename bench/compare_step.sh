#!/usr/bin/env bash
# Alternates `fima bench step` (Java, DJL, libtorch 2.7.1) and bench/pytorch_step.py (its PyTorch
# twin) on the same cases, methods and thread count, ROUNDS times each, so that both see the same
# machine load; then prints, per case and method, each side's rounds, the ratio of their medians
# and of their best rounds, the ratio per phase (mean ms per step over the rounds), FIMA over MoCo
# on each side, and whether both built the same sizes (the #check lines).
#
# Usage: THREADS=2 ROUNDS=3 STEPS=5 WARMUP=2 PROFILE=2 METHODS="fima moco" DEMO=1 \
#        PYTHON=/work/venv/bin/python bench/compare_step.sh r3d-tiny:8:32:16 i3d:16:112:2
# DEMO=1 starts both from the demo's pretraining settings; LOG=FILE keeps the raw lines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
threads=${THREADS:-2}
rounds=${ROUNDS:-3}
steps=${STEPS:-5}
warmup=${WARMUP:-2}
profile=${PROFILE:-2}
methods=(${METHODS:-fima moco})
python=${PYTHON:-python3}
demo=()
[ "${DEMO:-0}" = 1 ] && demo=(--demo)
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=(r3d-tiny:8:32:16 r3d-18:16:112:2 i3d:16:112:2)
log=${LOG:-$(mktemp)}
: >"$log"
echo "# $(date -u +%FT%TZ) $(nproc) cores, threads=$threads, rounds=$rounds, warmup=$warmup," \
  "steps=$steps, profiled=$profile, methods=${methods[*]}, demo=${DEMO:-0}, $("$python" -c \
  'import torch; print("torch", torch.__version__)')"
for c in "${cases[@]}"; do
  for r in $(seq "$rounds"); do
    for m in "${methods[@]}"; do
      out=$(./fima bench step --case "$c" --method "$m" --threads "$threads" --steps "$steps" \
        --warmup "$warmup" --profile-steps "$profile" "${demo[@]}")
      echo "java  r$r $(grep "^| $m |" <<<"$out")  load $(cut -d' ' -f1 /proc/loadavg)"
      grep '^#' <<<"$out" | sed "s/^#/#r$r /" >>"$log"
      out=$("$python" bench/pytorch_step.py --case "$c" --method "$m" --threads "$threads" \
        --steps "$steps" --warmup "$warmup" "${demo[@]}")
      echo "torch r$r $(grep "^| $m |" <<<"$out")  load $(cut -d' ' -f1 /proc/loadavg)"
      grep '^#' <<<"$out" | sed "s/^#/#r$r /" >>"$log"
    done
  done
done
"$python" - "$log" <<'EOF'
import collections, statistics, sys

steps = collections.defaultdict(lambda: collections.defaultdict(list))   # (case, method) -> side
phases = collections.defaultdict(lambda: collections.defaultdict(list))
checks = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    f = line.split()
    kind = f[1] if len(f) > 1 else ""
    if kind in ('step', 'phase'):
        side, method, case = f[2], f[3], f[4]
        values = dict(kv.split('=') for kv in f[5:])
        target = steps if kind == 'step' else phases
        target[(case, method)][side].append({k: float(v) for k, v in values.items()})
    elif kind == 'check':
        method, case = f[2], f[3]
        checks[(case, method)].setdefault(' '.join(f[4:]), 0)
        checks[(case, method)][' '.join(f[4:])] += 1

medians = {}
for (case, method), sides in steps.items():
    java = [r['median'] for r in sides.get('java', [])]
    torch = [r['median'] for r in sides.get('torch', [])]
    if not java or not torch:
        continue
    medians[(case, method)] = (statistics.median(java), statistics.median(torch))
    outside = [r['outside'] for r in sides['java'] if r['outside'] == r['outside']]
    print(f"\n## {case} {method}: java rounds {', '.join(f'{v:.0f}' for v in java)} ms;"
          f" torch rounds {', '.join(f'{v:.0f}' for v in torch)} ms")
    print(f"ratio of medians {statistics.median(java) / statistics.median(torch):.3f},"
          f" of best rounds {min(java) / min(torch):.3f}"
          + (f"; java outside libtorch {100 * min(outside):.1f}-{100 * max(outside):.1f}%"
             if outside else ''))
    mean = {}
    for side in ('java', 'torch'):
        acc = collections.defaultdict(float)
        for r in phases[(case, method)][side]:
            for k, v in r.items():
                acc[k] += v / len(phases[(case, method)][side])
        mean[side] = acc
    print("| phase | java ms | torch ms | java / torch |")
    print("|---|---|---|---|")
    for k in list(dict.fromkeys(list(mean['java']) + list(mean['torch']))):
        j, t = mean['java'].get(k, 0.0), mean['torch'].get(k, 0.0)
        print(f"| {k.replace('_', ' ')} | {j:.1f} | {t:.1f} | {j / t:.2f} |" if t > 0 else
              f"| {k.replace('_', ' ')} | {j:.1f} | {t:.1f} | - |")
    seen = checks[(case, method)]
    print("sizes: the same on both sides (" + next(iter(seen)) + ")" if len(seen) == 1 else
          "sizes: MISMATCH between the sides:\n  " + '\n  '.join(seen))
for case in dict.fromkeys(c for c, _ in medians):
    if (case, 'fima') in medians and (case, 'moco') in medians:
        (jf, tf), (jm, tm) = medians[(case, 'fima')], medians[(case, 'moco')]
        print(f"\n{case}: FIMA step / MoCo step: java {jf / jm:.2f}x, torch {tf / tm:.2f}x")
EOF
