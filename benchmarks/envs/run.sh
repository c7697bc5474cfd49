#!/usr/bin/env bash
# Env throughput against baselines measured on this machine in the same run, one core each:
#   CartPole-v1 at B=4096 vs Gymnasium's numpy CartPoleVectorEnv (goal >= 10x);
#   every MinAtar game vs the reference MinAtar's single-env act()+state() (goal >= 20x per core).
# lamarck MinAtar runs in the reference conventions (MinAtar/<Game>-ref: sticky 0.1, 6 actions),
# observations included. Usage: benchmarks/envs/run.sh [BUILD_DIR] [REPEATS]
# Needs the PATH python with `pip install gymnasium==1.4.0 minatar==1.0.15`.
set -euo pipefail
build=${1:-build}
repeats=${2:-3}
lamarck="$build/experiments/lamarck"
here=$(cd "$(dirname "$0")" && pwd)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

baseline=$(python3 "$here/baseline.py" 4096)
echo "baseline (python, one core): $baseline"

bench() {  # env batch steps -> median steps/s over $repeats runs
  local best=()
  for _ in $(seq "$repeats"); do
    best+=("$("$lamarck" envs bench --env "$1" --batch "$2" --steps "$3" --threads 1 --no-reference --json -q |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["steps_per_second"])')")
  done
  printf '%s\n' "${best[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

printf '%-24s %14s %14s %8s %6s\n' env lamarck baseline ratio goal
row() {  # display-name lamarck-env batch steps baseline-key goal
  local ours base
  ours=$(bench "$2" "$3" "$4")
  base=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$baseline" "$5")
  python3 -c "import sys; o,b,g=float(sys.argv[2]),float(sys.argv[3]),float(sys.argv[4]); print('%-24s %14.4g %14.4g %7.1fx %5.0fx' % (sys.argv[1], o, b, o/b, g))" "$1" "$ours" "$base" "$6"
}
row "CartPole-v1 B=4096" CartPole-v1 4096 3000 CartPole-v1 10
for g in Asterix Breakout Freeway Seaquest SpaceInvaders; do
  row "MinAtar/$g B=512" "MinAtar/$g-ref" 512 400 "MinAtar/$g" 20
done
