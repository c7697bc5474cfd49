#!/usr/bin/env bash
# DR training throughput on the maze against JaxUED's examples/maze_dr.py on the same CPU, in one run:
# env steps of training per second (student learning included), JaxUED's default PPO settings on both
# sides (32 envs x 256 steps, LSTM 256, 5 epochs, 1 minibatch), one seed, the machine's threads.
# lamarck: `lamarck ued-train` for UPDATES updates (the evaluation at the end, 1 episode per holdout, is
# inside its seconds); JaxUED: benchmarks/ued/jaxued_time.py dr (the script's own main(), its evaluation
# every EVAL_FREQ updates included, compilation excluded).
# Usage: benchmarks/ued/dr_speed.sh [BUILD_DIR] [UPDATES] [REPEATS]
# Needs PYTHON with jax, flax, optax, distrax, orbax-checkpoint, chex, wandb and JAXUED_SRC=<jaxued checkout>.
set -euo pipefail
build=${1:-build/cpu-release}
updates=${2:-6}
repeats=${3:-3}
python=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/config.json" <<JSON
{"seeds": 1, "eval_every": 1000000, "eval_episodes": 1, "trainer": {"num_updates": $updates}}
JSON
ours=()
for _ in $(seq "$repeats"); do
  ours+=("$("$build/experiments/lamarck" -q --json ued-train "$tmp/config.json" --out "$tmp/run" |
    "$python" -c "import json,sys; d=json.load(sys.stdin); print(d['env_steps_per_seed'] / d['seconds'])")")
done
median=$(printf '%s\n' "${ours[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
jaxued=$("$python" "$here/jaxued_time.py" dr 3 $((repeats + 1)) | tail -1)
"$python" - "$median" "$jaxued" "${ours[*]}" <<'PY'
import json, sys
ours, base, runs = float(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
print(f"lamarck DR: {ours:.4g} env steps/s (median; runs {runs})")
print(f"JaxUED  DR: {base['env_steps_per_second']:.4g} env steps/s (median of calls {base['calls_seconds']} s, jax {base['jax']})")
print(f"ratio: {ours / base['env_steps_per_second']:.2f}x   goal 3x")
PY
