#!/usr/bin/env bash
# The GPU check, one command: the CUDA tests, then one GP_BANDIT step's time on CUDA
# against the CPU by study size (benchmarks/results/gp_devices.md: the exact GP up to
# 5,000 trials and the crossover n), then the scaling table with the device auto and
# every trial fitted exactly, end to end through a server started with `--device auto
# --max-exact-trials 5000` (benchmarks/results/gp_scaling_cuda.md). About 7 minutes
# on one H100/H200. Run from the repository root where torch sees an NVIDIA GPU and the
# server's packages are installed:
#
#     bash benchmarks/gpu_check.sh [DIRECTORY_TO_COPY_THE_TABLES_TO]
#
# PYTHON names the interpreter (default: python3).
set -euo pipefail
python=${PYTHON:-python3}
export PYTHONPATH="$PWD/server:$PWD/client:$PWD${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1

"$python" - <<'PY'
import sys

import torch

if not torch.cuda.is_available():
    sys.exit("gpu_check: torch sees no CUDA device, so there is nothing to check")
print(f"torch {torch.__version__} on {torch.cuda.get_device_name(0)}")
PY

echo "== the CUDA tests"
"$python" -m pytest -q -rs -m cuda -p no:cacheprovider tests/server/engine

echo "== one step on CUDA against the CPU"
"$python" -m benchmarks.gp_devices --devices cpu cuda

echo "== the scaling table with the device auto and every trial fitted exactly"
"$python" -m benchmarks.gp_scaling --device auto --max-exact 5000 --sizes 50 500 1000 5000 \
    --repeats 3 --exact-up-to 0 --optuna-up-to 0

if [ $# -ge 1 ]; then
    cp benchmarks/results/gp_devices.md benchmarks/results/gp_devices.csv \
        benchmarks/results/gp_scaling_cuda.md benchmarks/results/gp_scaling_cuda.csv "$1"/
fi
