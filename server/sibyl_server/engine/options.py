"""Settings of the model-based designers, in one typed object."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

AUTO = "auto"
"""A device not resolved yet: CUDA when present, else CPU."""
CUDA_FROM_OBSERVATIONS = 500
"""Where "auto" finds CUDA, steps fitting fewer trials than this still run on the CPU: a
small step is many small kernels, and launching them costs more than the arithmetic they
save (one H200 against 16 CPU threads, benchmarks/results/gp_devices.md: at n = 50 CUDA
0.11 s, CPU 0.06 s; from n = 500 CUDA is faster, 20x at n = 5,000)."""


@dataclass(frozen=True)
class EngineOptions:
    """How GP_BANDIT computes (the sampling designers need none of it).

    The caller resolves the device and thread count once, at start
    (`sibyl_server.runtime.resolve_engine_options`): the engine reads no system state.
    Options left unresolved ("auto", 0 threads) are resolved once when an `Engine` is
    made, for callers that do not resolve them yet.

    Attributes:
        device: "cpu", "cuda" or "cuda:N"; or "auto" (CUDA when present, else CPU).
        cpu_threads: CPU threads of a step fitting more than `threaded_observations`
            trials; 0 = the process's CPU quota.
        torch_threads: The former name of `cpu_threads`, used when that is 0.
        max_exact_observations: Largest training set fitted exactly; above it a subset
            of this size is used (see gp.data.exact_subset), so a step stays bounded.
        large_study_model: Which subset above `max_exact_observations`: "subset" (the
            best half, the newest quarter, a fixed sample of the rest: the global
            shape) or "local" (the trials nearest the best one, and the acquisition
            searched within their bounding box: a trust region; gp.data.local_subset).
        num_restarts: Acquisition-optimization restarts for small studies.
        raw_samples: Raw samples that pick those restarts' starting points; 1024 rather
            than 512 finds the narrow peak near the best trial more often
            (docs/engine.md#raw-samples).
        mc_samples: Quasi-Monte-Carlo samples of the acquisition function.
        threaded_observations: Training sets larger than this use `cpu_threads` CPU
            threads; smaller ones one thread (see `threads_for`).
        cpu_below: Steps fitting fewer trials than this run on the CPU whatever
            `device` says (see `device_for`); 0 = always on `device`.
        stall_restarts: Whether a single-objective study whose best value has stopped
            improving while its GP ignores an input runs GP_BANDIT afresh for a while
            (gp/restarts.py), for a study whose spec leaves `stall_restarts` unset (one
            created before the field existed; newer ones have the server's default in
            their spec). Off by default: it escapes local optima (Hartmann6) but costs
            some real tuning tasks refinement at 100 evaluations
            (docs/engine.md#stalls-in-a-local-optimum).
    """

    device: str = AUTO
    cpu_threads: int = 0
    torch_threads: int = 0
    max_exact_observations: int = 400
    large_study_model: Literal["subset", "local"] = "subset"
    num_restarts: int = 10
    raw_samples: int = 1024
    mc_samples: int = 128
    threaded_observations: int = 1000
    cpu_below: int = 0
    stall_restarts: bool = False

    def __post_init__(self) -> None:
        if self.large_study_model not in ("subset", "local"):
            raise ValueError(
                f"large_study_model must be 'subset' or 'local', not {self.large_study_model!r}"
            )

    @property
    def resolved(self) -> bool:
        """Whether the device and thread count are settled."""
        return self.device != AUTO and self.cpu_threads > 0

    def device_for(self, observations: int) -> str:
        """The device of a step that fits this many observations."""
        return "cpu" if observations < self.cpu_below else self.device

    def threads_for(self, observations: int) -> int:
        """CPU threads for a step that fits this many observations.

        A GP step on a few hundred trials is thousands of small tensor operations, each
        parallel one waiting for every thread at its end: on busy cores one thread is
        many times faster, on idle ones two threads barely help
        (docs/engine.md#threads).
        """
        return 1 if observations <= self.threaded_observations else self.cpu_threads

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
