#!/usr/bin/env bash
# The batched-GEMM entry point on the GPU (cuBLAS strided batched) against the CPU's peak (Eigen) in the
# same run. The trainer itself is CPU-only in this version (benchmarks/rl.md).
# Usage: benchmarks/rl/gpu.sh BIN_DIR   (bundled executables, or a CUDA build tree)
set -euo pipefail
bin=${1:-build/cuda}
[ -x "$bin/rl_bench" ] || bin="$bin/benchmarks/rl"
"$bin/rl_bench" gemm
