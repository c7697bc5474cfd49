#!/usr/bin/env bash
# The inner loop on the GPU: the batched-GEMM entry point (cuBLAS strided batched) against the CPU's peak
# (Eigen) in the same run, then the CUDA trainer on 2048 CartPole agents: first 51,200 steps each (a tenth
# of the run) with each policy step (TrainConfig::policy_step: "layered", a GEMM launch per layer, and
# "fused", one kernel per rollout step), then, if ten times the faster tenth fits in what is left of the
# 240 s that scripts/device-check allows this script, the full 5e5 with that one (goal: <= 30 s on one
# H100). Each line gives the fraction of the cuBLAS peak measured at P=2048 in the same process, and the
# split of the time between rollouts and learning. Results: benchmarks/gpu.md.
# Usage: benchmarks/rl/gpu.sh BIN_DIR   (bundled executables, or a CUDA build tree)
set -euo pipefail
bin=${1:-build/cuda}
[ -x "$bin/rl_bench" ] || bin="$bin/benchmarks/rl"
"$bin/rl_bench" gemm
best=""
best_seconds=""
for step in layered fused; do
  short=$("$bin/rl_bench" gpu 2048 51200 "$step")
  echo "$short"
  seconds=$(echo "$short" | sed -n 's/.* on CUDA: \([0-9.]*\) s,.*/\1/p' | head -1)
  if [ -n "$seconds" ] && { [ -z "$best" ] || awk -v s="$seconds" -v b="$best_seconds" 'BEGIN { exit !(s < b) }'; }; then
    best=$step
    best_seconds=$seconds
  fi
done
if [ -n "$best" ] && awk -v s="$best_seconds" -v used="$SECONDS" 'BEGIN { exit !(used + 11 * s < 225) }'; then
  "$bin/rl_bench" gpu 2048 500000 "$best"
else
  echo "full 2048 x 5e5 run skipped: the faster tenth (${best:-none}) took ${best_seconds:-?} s and ${SECONDS} s are spent (would exceed the script's 240 s)"
fi
