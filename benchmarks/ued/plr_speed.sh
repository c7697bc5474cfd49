#!/usr/bin/env bash
# Robust PLR (or ACCEL: CURRICULUM=accel) training throughput on the maze against JaxUED's
# examples/maze_plr.py on the same CPU, in one run: env steps of training per second, JaxUED's defaults on
# both sides (MaxMC, buffer 4000, replay 0.8, staleness 0.3, rank T 0.3, no gradient step on new levels,
# 32 envs x 256 steps, LSTM 256, 5 epochs, 1 minibatch), one seed, the machine's threads, minimum fill 0.01
# so that both sides are timed in the replay regime.
# lamarck: `lamarck ued` for UPDATES updates (the evaluation at the end, 1 episode per holdout, is inside
# its seconds); JaxUED: benchmarks/ued/jaxued_time.py plr|accel (the script's own main(), its evaluation every
# EVAL_FREQ updates included, compilation excluded). JaxUED computes the gradients of every update and
# drops them on new levels; lamarck skips that pass, which is part of the difference.
# Usage: benchmarks/ued/plr_speed.sh [BUILD_DIR] [UPDATES] [REPEATS]
# Needs PYTHON with jax, flax, optax, distrax, orbax-checkpoint, chex, wandb and JAXUED_SRC=<jaxued checkout>.
set -euo pipefail
build=${1:-build/cpu-release}
updates=${2:-10}
repeats=${3:-3}
curriculum=${CURRICULUM:-robust_plr}
python=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/config.json" <<JSON
{"curriculum": "$curriculum", "seeds": 1, "eval_every": 1000000, "eval_episodes": 1,
 "sampler": {"min_fill_ratio": 0.01}, "trainer": {"num_updates": $updates}}
JSON
ours=()
for k in $(seq "$repeats"); do
  ours+=("$("$build/experiments/lamarck" -q --json ued "$tmp/config.json" --out "$tmp/run$k" --no-plot |
    "$python" -c "import json,sys; d=json.load(sys.stdin); print(d['env_steps_per_seed'] / d['seconds'])")")
done
median=$(printf '%s\n' "${ours[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
kind=plr
[ "$curriculum" = accel ] && kind=accel
jaxued=$("$python" "$here/jaxued_time.py" "$kind" 5 $((repeats + 1)) | tail -1)
"$python" - "$median" "$jaxued" "${ours[*]}" "$curriculum" <<'PY'
import json, sys
ours, base, runs, name = float(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
print(f"lamarck {name}: {ours:.4g} env steps/s (median; runs {runs})")
print(f"JaxUED  {name}: {base['env_steps_per_second']:.4g} env steps/s (median of calls {base['calls_seconds']} s, jax {base['jax']})")
print(f"ratio: {ours / base['env_steps_per_second']:.2f}x   goal 3x")
PY
