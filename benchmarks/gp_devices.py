"""Where a CUDA device beats the CPU: one exact GP_BANDIT step on each, by study size.

d = 6 (Hartmann6 on uniformly random points, seeded), timed as `gp_scaling` times a
study's step (the n-th trial's suggestion, warm-started from the step on n - 1). For
each n: the exact GP (every trial fitted) on each device, and the default options (an
exact GP up to `max_exact_observations` trials, a subset of that size above) on the
last device. A device is not timed at an n where its step would take longer than
--give-up-after-s (extrapolated from its largest measured n), so the table fits a short
check on any machine.

    python -m benchmarks.gp_devices [--devices cpu cuda] [--sizes 50 100 ...] [--smoke]
"""

from __future__ import annotations

import argparse
import platform
import warnings
from collections.abc import Sequence

import torch

from benchmarks.gp_scaling import time_suggestion
from benchmarks.tables import save_table
from sibyl_server.engine.options import EngineOptions

SIZES = (50, 100, 200, 500, 1000, 2000, 5000)
EXACT = 10**6
"""max_exact_observations that fits every trial."""


def device_label(device: str) -> str:
    return device.split(":")[0].upper()


def predicted_seconds(measured: dict[int, float], n: int) -> float:
    """A step's time at n from the largest measured one, growing as n squared (the
    exact fit's Cholesky is cubic, the rest of the step quadratic or less)."""
    if not measured:
        return 0.0
    largest = max(measured)
    return measured[largest] * (n / largest) ** 2


def crossover(sizes: Sequence[int], totals: dict[str, dict[int, float]], fast: str) -> str:
    """The smallest n from which `fast` is quicker than the CPU at every measured n."""
    measured = [n for n in sizes if n in totals["cpu"] and n in totals[fast]]
    winning = [n for n in measured if totals[fast][n] < totals["cpu"][n]]
    for index, n in enumerate(measured):
        if all(m in winning for m in measured[index:]):
            return f"n = {n}"
    return "none measured"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--devices", nargs="+", default=None, help="default: cpu, and cuda where present"
    )
    parser.add_argument("--sizes", nargs="*", type=int, default=list(SIZES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--give-up-after-s", type=float, default=15.0)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, nothing saved")
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.repeats = [20, 40], 1
    if args.devices is None:
        args.devices = ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]
    missing = [d for d in args.devices if d.startswith("cuda") and not torch.cuda.is_available()]
    if missing:
        parser.error(f"no CUDA device here for {missing}")
    warnings.simplefilter("ignore")
    totals: dict[str, dict[int, float]] = {device: {} for device in args.devices}
    last = args.devices[-1]
    compared = "cpu" in totals and last != "cpu"
    rows = []
    for n in args.sizes:
        row: list[object] = [n]
        for device in args.devices:
            if predicted_seconds(totals[device], n) > args.give_up_after_s:
                row += ["-", "-", "-"]
                continue
            fit, acquisition, total = time_suggestion(
                EngineOptions(device=device, max_exact_observations=EXACT), n, args.repeats
            )
            totals[device][n] = total
            row += [fit, acquisition, total]
        default = EngineOptions(device=last)
        row.append(time_suggestion(default, n, args.repeats)[2])
        if compared:
            both = n in totals["cpu"] and n in totals[last]
            row.append(round(totals["cpu"][n] / totals[last][n], 1) if both else "-")
        rows.append([round(v, 3) if isinstance(v, float) else v for v in row])
        print(rows[-1], flush=True)
    headers = ["n"]
    for device in args.devices:
        label = device_label(device)
        headers += [f"{label} exact fit s", f"{label} exact acquisition s", f"{label} exact s"]
    headers.append(f"{device_label(last)} default s")
    if compared:
        headers.append(f"CPU / {device_label(last)}")
    names = ", ".join(torch.cuda.get_device_name(d) for d in args.devices if "cuda" in d)
    preamble = (
        f"`python -m benchmarks.gp_devices --devices {' '.join(args.devices)}` on "
        f"{platform.machine()} with {torch.get_num_threads()} CPU threads"
        f"{', ' + names if names else ''}, torch {torch.__version__}. Seconds per "
        f"suggestion (median of {args.repeats}), d = 6, the n-th trial's step warm-started "
        "from the step on n - 1. Exact: every trial fitted. Default: exact up to "
        f"{EngineOptions().max_exact_observations} trials, a subset of that size above. "
        "A CPU step fitting up to "
        f"{EngineOptions().threaded_observations} trials uses one thread "
        "(EngineOptions.threads_for), a larger one all. '-': not timed, a step "
        f"there would take over {args.give_up_after_s:g} s (extrapolated as n squared)."
    )
    if compared:
        preamble += f" {device_label(last)} is faster than the CPU from " + (
            crossover(args.sizes, totals, last) + " on."
        )
    name = "gp_devices" if compared else "gp_devices_cpu"
    print(preamble)
    print(save_table(name, headers, rows, preamble, save=not args.smoke))


if __name__ == "__main__":
    main()
