#!/usr/bin/env bash
# The inner loop on the GPU: the batched-GEMM entry point (cuBLAS strided batched) against the CPU's peak
# (Eigen) in the same run, then the CUDA trainer: 2048 CartPole agents, first for 51,200 steps each (a
# quick figure), then for the full 5e5 (goal: <= 30 s on one H100), each with the fraction of the cuBLAS
# peak it reaches. Results: benchmarks/gpu.md.
# Usage: benchmarks/rl/gpu.sh BIN_DIR   (bundled executables, or a CUDA build tree)
set -euo pipefail
bin=${1:-build/cuda}
[ -x "$bin/rl_bench" ] || bin="$bin/benchmarks/rl"
"$bin/rl_bench" gemm
"$bin/rl_bench" gpu 2048 51200
"$bin/rl_bench" gpu 2048 500000
