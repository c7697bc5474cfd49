#!/usr/bin/env bash
# GPU env throughput (goals on one H100: CartPole >= 1e9 steps/s, every MinAtar game >= 1e8 steps/s at
# >= 2^16 envs), against the same env on all CPU cores of the same machine in the same run.
# Usage: benchmarks/envs/gpu.sh [CUDA_BUILD_DIR]   (a build with -DLAMARCK_CUDA=ON)
set -euo pipefail
build=${1:-build/cuda}
# a CUDA build tree, or a folder of bundled executables (scripts/device-bundle)
lamarck="$build/experiments/lamarck"
[ -x "$lamarck" ] || lamarck="$build/lamarck"
sps() { python3 -c 'import json,sys; print(json.load(sys.stdin)["steps_per_second"])'; }
printf '%-24s %8s %14s %14s %8s\n' env batch cuda cpu_all_cores ratio
run() {  # env batch steps
  local gpu cpu
  gpu=$("$lamarck" envs bench --device cuda --env "$1" --batch "$2" --steps "$3" --no-reference --json -q | sps)
  cpu=$("$lamarck" envs bench --device cpu --env "$1" --batch "$2" --steps $(( $3 / 10 > 0 ? $3 / 10 : 1 )) --no-reference --json -q | sps)
  python3 -c "import sys; g,c=float(sys.argv[3]),float(sys.argv[4]); print('%-24s %8s %14.4g %14.4g %7.1fx' % (sys.argv[1], sys.argv[2], g, c, g/c))" "$1" "$2" "$gpu" "$cpu"
}
run CartPole-v1 65536 2000
run CartPole-v1 1048576 500
for g in Asterix Breakout Freeway Seaquest SpaceInvaders; do
  run "MinAtar/$g" 65536 300
done
