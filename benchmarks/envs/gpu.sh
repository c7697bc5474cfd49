#!/usr/bin/env bash
# GPU env throughput (goals on one H100: CartPole >= 1e9 steps/s, every MinAtar game >= 1e8 steps/s at
# >= 2^16 envs), against the same env on all CPU cores of the same machine in the same run.
# Usage: benchmarks/envs/gpu.sh [CUDA_BUILD_DIR]   (a build with -DLAMARCK_CUDA=ON)
set -euo pipefail
build=${1:-build/cuda}
# a CUDA build tree, or a folder of bundled executables (scripts/device-bundle)
lamarck="$build/experiments/lamarck"
[ -x "$lamarck" ] || lamarck="$build/lamarck"
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# cuda: the fast path; plain: the per-instance kernel on the GPU (for MinAtar, observations written by
# each thread in place instead of strided stores and a transpose); cpu: all cores of this machine
printf '%-24s %8s %14s %14s %14s %8s\n' env batch cuda cuda_plain cpu_all_cores ratio
failed=0
run() {  # env batch steps; a failing env is reported and the table goes on
  local gpu plain cpu
  gpu=$("$lamarck" envs bench --device cuda --env "$1" --batch "$2" --steps "$3" --json -q) ||
    { printf '%-24s %8s FAIL (see the log)\n' "$1" "$2"; failed=1; return 0; }
  plain=$(field reference_steps_per_second <<<"$gpu") && gpu=$(field steps_per_second <<<"$gpu") ||
    { printf '%-24s %8s FAIL (unreadable cuda result)\n' "$1" "$2"; failed=1; return 0; }
  cpu=$("$lamarck" envs bench --device cpu --env "$1" --batch "$2" --steps $(( $3 / 10 > 0 ? $3 / 10 : 1 )) --no-reference --json -q | field steps_per_second) ||
    { printf '%-24s %8s %14.4g FAIL (cpu)\n' "$1" "$2" "$gpu"; failed=1; return 0; }
  python3 -c "import sys; g,p,c=float(sys.argv[3]),float(sys.argv[4]),float(sys.argv[5]); print('%-24s %8s %14.4g %14.4g %14.4g %7.1fx' % (sys.argv[1], sys.argv[2], g, p, c, g/c))" "$1" "$2" "$gpu" "$plain" "$cpu"
}
run CartPole-v1 65536 2000
run CartPole-v1 1048576 500
for g in Asterix Breakout Freeway Seaquest SpaceInvaders; do
  run "MinAtar/$g" 65536 300
done
exit $failed
