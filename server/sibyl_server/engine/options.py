"""Settings of the model-based designers, in one typed object."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class EngineOptions:
    """How GP_BANDIT computes (the sampling designers need none of it).

    Attributes:
        device: "auto" (CUDA when present, else CPU), "cpu", "cuda" or "cuda:N".
        torch_threads: CPU threads per computation; 0 = from the process's CPU quota.
        max_exact_observations: Largest training set fitted exactly; above it a subset
            of this size is used (see gp_bandit._subset), so a step stays bounded.
        num_restarts: Acquisition-optimization restarts for small studies.
        raw_samples: Raw samples that pick those restarts' starting points. 1024
            rather than 512: late in a study the improvement is a narrow peak near the
            best trial, which more samples find more often (Branin, 20 seeds, median
            log10 regret at 50 evaluations -4.58 against -3.99; Levy6 0.25 against
            0.03 goes the other way; benchmarks/gp_quality.py). About 8 ms more per
            suggestion at 100 trials.
        mc_samples: Quasi-Monte-Carlo samples of the acquisition function.
        threaded_observations: Training sets larger than this use `torch_threads`
            CPU threads; smaller ones one thread (see `threads_for`).
    """

    device: str = "auto"
    torch_threads: int = 0
    max_exact_observations: int = 400
    num_restarts: int = 10
    raw_samples: int = 1024
    mc_samples: int = 128
    threaded_observations: int = 1000

    def resolved_device(self) -> str:
        """The torch device name this configuration runs on."""
        if self.device != "auto":
            return self.device
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"

    def threads_for(self, observations: int) -> int:
        """CPU threads for a step that fits this many observations.

        A GP step on a few hundred trials is thousands of small tensor operations, and
        each parallel one waits for every thread at its end: when other processes keep
        the cores busy, each wait can last a scheduler time slice. On two cores beside
        two busy processes, a suggestion at n = 100 took 4.0 s with two threads and
        0.04 s with one (n = 400: 7.5 s and 0.10 s). On idle cores two threads were at
        most 1.3x faster (n = 400: 0.069 s and 0.091 s; an exact fit on 1000 trials:
        0.47 s and 0.60 s; benchmarks/gp_scaling.py's setting).
        """
        return 1 if observations <= self.threaded_observations else self.cpu_threads()

    def cpu_threads(self) -> int:
        """`torch_threads`, or the process's CPU quota when it is 0."""
        return self.torch_threads or cpu_quota()

    def restarts_for(self, observations: int) -> tuple[int, int]:
        """(restarts, raw samples) for a study of this size.

        Each acquisition evaluation costs O(n) after the fit, so large studies get
        fewer restarts: the GP's optimum moves less from one step to the next there.
        """
        if observations <= 100:
            return self.num_restarts, self.raw_samples
        if observations <= 300:
            return max(2, math.ceil(self.num_restarts / 2)), max(64, self.raw_samples // 2)
        return max(2, math.ceil(self.num_restarts / 4)), max(64, self.raw_samples // 4)


def cpu_quota() -> int:
    """CPUs this process may use: the cgroup quota when set, else the affinity mask."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        available = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        return available
    if quota == "max":
        return available
    return max(1, min(available, math.floor(int(quota) / int(period))))
