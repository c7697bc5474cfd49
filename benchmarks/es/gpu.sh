#!/usr/bin/env bash
# OpenES on the GPU (P=1024, D=100,000): ask+tell against one device memcpy of the same P*D floats
# (goal: within 3x), and the CPU path on all cores of the same machine.
# Usage: benchmarks/es/gpu.sh BIN_DIR   (bundled executables, or a CUDA build's benchmarks/es folder)
set -euo pipefail
bin=${1:-build/cuda/benchmarks/es}
[ -x "$bin/es_open_es_gpu_bench" ] || bin="$bin/benchmarks/es"
"$bin/es_open_es_gpu_bench" 10
"$bin/es_open_es_bench" 3
