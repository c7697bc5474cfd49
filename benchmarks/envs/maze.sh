#!/usr/bin/env bash
# The maze env against JaxUED's on one core, in one run: lamarck's `Maze` at B instances (SixteenRooms,
# random actions, auto-reset, the 76-float observations written every step) vs JaxUED's Maze under JAX on
# the CPU (benchmarks/envs/maze_jaxued.py: the same level, AutoReplayWrapper, observations kept).
# Also the fraction of one core's write bandwidth the observations take: lamarck's observation bytes per
# second against a single-thread memset of a buffer of the same size (B x 76 floats; `lamarck envs bench`
# measures it in the same process).
# Usage: benchmarks/envs/maze.sh [BUILD_DIR] [REPEATS] [B]
# Needs a python with jax (CPU) and jaxued (or JAXUED_SRC=<jaxued checkout>/src): set PYTHON.
set -euo pipefail
build=${1:-build/cpu-release}
repeats=${2:-5}
batch=${3:-4096}
python=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)
export OMP_NUM_THREADS=1
core=${CORE:-0}

ours=()
for _ in $(seq "$repeats"); do
  ours+=("$(taskset -c "$core" "$build/experiments/lamarck" -q --json envs bench --env Maze --batch "$batch" \
    --steps 2000 --threads 1 --no-reference | "$python" -c 'import json,sys; print(json.load(sys.stdin)["steps_per_second"])')")
done
median=$(printf '%s\n' "${ours[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
jaxued=$(taskset -c "$core" "$python" "$here/maze_jaxued.py" "$batch" 200 "$repeats")
memset=$(taskset -c "$core" "$build/experiments/lamarck" -q --json envs bench --env Maze --batch "$batch" \
  --steps 2 --threads 1 --no-reference | "$python" -c 'import json,sys; print(json.load(sys.stdin)["memset_bytes_per_second_one_thread"])')
"$python" - "$median" "$jaxued" "$memset" "$batch" "${ours[*]}" <<'PY'
import json, sys
ours, base, memset, batch, runs = float(sys.argv[1]), json.loads(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
obs_bytes = 76 * 4
print(f"lamarck Maze B={batch}: {ours:.4g} steps/s (median; runs {runs})")
print(f"JaxUED  Maze B={batch}: {base['steps_per_second']:.4g} steps/s observations kept, "
      f"{base['steps_per_second_summed']:.4g} summed, {base['steps_per_second_dropped']:.4g} dropped (jax {base['jax']})")
print(f"ratio (kept): {ours / base['steps_per_second']:.1f}x   goal 10x")
print(f"observation writes: {ours * obs_bytes / 1e9:.2f} GB/s = {ours * obs_bytes / memset:.2f} of one core's memset "
      f"({memset / 1e9:.2f} GB/s); bound {memset / obs_bytes:.3g} steps/s")
PY
