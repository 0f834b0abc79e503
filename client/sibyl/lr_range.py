"""The learning-rate range test: a learning rate and a search range in one short run.

    found = sibyl.lr_range_test(model, torch.optim.SGD(model.parameters(), lr=0.1),
                                torch.nn.functional.cross_entropy, train_loader)
    found.suggestion                     # one rate ("valley", as fast.ai's lr_find)
    spec = sibyl.StudySpec([found.parameter("learning_rate"), ...], ...)
    scheduler = found.one_cycle(optimizer, total_steps=epochs * len(train_loader))
    found.plot("lr_range.png")

The classic sweep (Smith, "Cyclical Learning Rates", 2017): train on successive
batches while the learning rate grows exponentially from `start_lr` to `end_lr`,
record the smoothed loss, and stop when it diverges. Too small a rate barely moves the
loss; too large makes it blow up; the useful range lies between. The rules that read
the curve, and how they were checked, are in docs/integrations.md. torch is imported
by the function, matplotlib by `plot`, never when `sibyl` is imported.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sibyl.spec import Double


@dataclass(frozen=True)
class LrRange:
    """A suggested learning rate, a log-scale range around it, and the curve they come from.

    Attributes:
        low: Lower bound: a tenth of the rate where the loss fell fastest (lower still
            if the suggestion or `high` demand it).
        high: Upper bound: a tenth of the rate with the lowest smoothed loss (fast.ai's
            "minimum" rule); the lowest loss's rate itself trains unstably.
        suggestion: One rate to train with, chosen by `method`.
        method: How `suggestion` was chosen (see `SUGGESTIONS`).
        steepest_lr: Where the smoothed loss fell fastest per decade of learning rate.
        min_loss_lr: Where the smoothed loss was lowest.
        learning_rates: The rates tried, one per batch, increasing.
        losses: The smoothed loss at each rate.
        raw_losses: The loss of each batch, unsmoothed.
        diverged: Whether the sweep stopped early because the loss blew up.
    """

    low: float
    high: float
    suggestion: float
    method: str
    steepest_lr: float
    min_loss_lr: float
    learning_rates: list[float]
    losses: list[float]
    raw_losses: list[float]
    diverged: bool

    def suggested(self, method: str) -> float:
        """The rate another rule reads from the same curve (see `SUGGESTIONS`)."""
        if method not in SUGGESTIONS:
            raise ValueError(f"method must be one of {sorted(SUGGESTIONS)}, not {method!r}")
        return SUGGESTIONS[method](_curve(self.learning_rates, self.losses))

    def parameter(self, name: str = "learning_rate") -> Double:
        """The range as a study parameter: `Double(name, low, high, scale="log")`."""
        return Double(name, self.low, self.high, scale="log")

    def one_cycle(self, optimizer: Any, total_steps: int, **options: Any) -> Any:
        """`torch.optim.lr_scheduler.OneCycleLR` peaking at `high` (Smith's one-cycle
        policy: the rate climbs from high/25 to high, then anneals far below);
        `options` are OneCycleLR's other arguments (`pct_start`, `max_momentum`, ...,
        and `max_lr` to peak elsewhere, e.g. at a study's suggestion)."""
        from torch.optim.lr_scheduler import OneCycleLR

        return OneCycleLR(optimizer, total_steps=total_steps, **{"max_lr": self.high, **options})

    def cyclic(self, optimizer: Any, step_size_up: int, **options: Any) -> Any:
        """`torch.optim.lr_scheduler.CyclicLR` between `low` and `high` (Smith's
        triangular policy; `step_size_up` batches per half cycle, 2-10 epochs' worth in
        the paper); `options` are CyclicLR's other arguments (`mode`, `cycle_momentum`,
        and `base_lr` or `max_lr` to move a bound)."""
        from torch.optim.lr_scheduler import CyclicLR

        bounds = {"base_lr": self.low, "max_lr": self.high}
        return CyclicLR(optimizer, step_size_up=step_size_up, **{**bounds, **options})

    def plot(self, path: str | Path | None = None, ax: Any = None) -> Any:
        """Draws the smoothed loss against the rate (log scale), the raw losses faintly,
        the range shaded and the suggestion marked.

        Args:
            path: Saves the figure there (any format matplotlib knows by the suffix);
                None leaves it to the caller (`plt.show()`, a notebook shows it).
            ax: A matplotlib Axes to draw into; None makes a new figure.

        Returns:
            The Axes drawn into. Needs matplotlib, imported only here.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        ax.plot(self.learning_rates, self.raw_losses, color="0.8", linewidth=0.8, label="loss")
        ax.plot(self.learning_rates, self.losses, color="C0", label="smoothed loss")
        ax.axvspan(self.low, self.high, color="C2", alpha=0.15, label="range")
        at = min(range(len(self.learning_rates)),
                 key=lambda i: abs(math.log(self.learning_rates[i] / self.suggestion)))  # fmt: skip
        ax.plot([self.suggestion], [self.losses[at]], "o", color="C3",
                label=f"{self.method}: {self.suggestion:.2g}")  # fmt: skip
        ax.set(xscale="log", xlabel="learning rate", ylabel="loss")
        finite = [v for v in self.losses if math.isfinite(v)]
        ax.set_ylim(min(finite) - 0.05 * abs(min(finite)), max(finite[0], min(finite)) * 1.5)
        ax.legend()
        if path is not None:
            ax.figure.savefig(path, bbox_inches="tight")
        return ax


def lr_range_test(
    model: Any,
    optimizer: Any,
    criterion: Callable[[Any, Any], Any] | None,
    data: Iterable[Any],
    *,
    start_lr: float = 1e-7,
    end_lr: float = 10.0,
    num_steps: int = 100,
    beta: float = 0.98,
    diverge_factor: float = 4.0,
    compute_loss: Callable[[Any, Any], Any] | None = None,
    restore: bool = True,
    suggest: str = "valley",
) -> LrRange:
    """Runs the learning-rate range test on `model`; suggests a rate and a log-scale range.

    Args:
        model: A `torch.nn.Module`, trained in place during the sweep.
        optimizer: Its optimizer; every parameter group gets the swept learning rate.
        criterion: `criterion(model(inputs), targets) -> loss` for batches of
            `(inputs, targets)`, which are moved to the model's device. None when
            `compute_loss` is given.
        data: Batches, e.g. a DataLoader; restarted when exhausted before `num_steps`.
        start_lr: The first learning rate.
        end_lr: The last learning rate, if the loss has not diverged before.
        num_steps: Batches (and learning rates) in the sweep.
        beta: Smoothing of the loss curve (exponential moving average, bias-corrected).
        diverge_factor: The sweep stops once the smoothed loss exceeds this many times
            its lowest value (more than `diverge_factor - 1` times that value's magnitude
            above it, for losses that can be negative), or is not finite.
        compute_loss: `compute_loss(model, batch) -> loss`, for batches of another shape.
        restore: Put the model's and the optimizer's state back afterwards, so the
            sweep leaves no trace.
        suggest: How to pick `suggestion`: "valley" (fast.ai's default), "steepest" or
            "minimum" (see `SUGGESTIONS`).

    Returns:
        The suggested rate and range (`suggestion`, `low`, `high`) with the curve they
        were read from.
    """
    import torch

    if criterion is None and compute_loss is None:
        raise ValueError("give a criterion, or compute_loss(model, batch)")
    if suggest not in SUGGESTIONS:
        raise ValueError(f"suggest must be one of {sorted(SUGGESTIONS)}, not {suggest!r}")
    if not 0 < start_lr < end_lr or num_steps < 3:
        raise ValueError("need 0 < start_lr < end_lr and num_steps >= 3")
    saved = (copy.deepcopy(model.state_dict()), copy.deepcopy(optimizer.state_dict()))
    loss_of = compute_loss or _supervised_loss(criterion, _device_of(model))
    rates = [start_lr * (end_lr / start_lr) ** (i / (num_steps - 1)) for i in range(num_steps)]
    model.train()
    tried: list[float] = []
    raw: list[float] = []
    smoothed: list[float] = []
    average, diverged = 0.0, False
    for step, (rate, batch) in enumerate(zip(rates, _cycle(data), strict=False)):
        for group in optimizer.param_groups:
            group["lr"] = rate
        optimizer.zero_grad()
        loss = loss_of(model, batch)
        loss.backward()
        optimizer.step()
        value = float(loss.detach())
        average = beta * average + (1 - beta) * value
        tried.append(rate)
        raw.append(value)
        smoothed.append(average / (1 - beta ** (step + 1)))
        if _diverged(smoothed, diverge_factor):
            diverged = True
            break
    if restore:
        with torch.no_grad():
            model.load_state_dict(saved[0])
        optimizer.load_state_dict(saved[1])
    return _read_curve(tried, smoothed, raw, diverged, suggest)


def _diverged(smoothed: list[float], factor: float) -> bool:
    """Whether the newest smoothed loss is not finite, or above `factor` times the lowest
    (for a positive one; in general more than `factor - 1` times its magnitude above
    it: a negative loss, a Gaussian likelihood's, is never above 4 times its lowest)."""
    best = min(smoothed)
    return not math.isfinite(smoothed[-1]) or smoothed[-1] - best > (factor - 1) * abs(best)


@dataclass(frozen=True)
class _Curve:
    """The swept rates and smoothed losses, with the landmarks every rule reads."""

    rates: list[float]
    losses: list[float]
    begin: int
    """The first point past the moving average's warm-up."""
    lowest: int
    """The point of the lowest smoothed loss."""
    steepest: int
    """The point where the smoothed loss falls fastest per decade, before `lowest`."""


def _curve(rates: list[float], losses: list[float]) -> _Curve:
    finite = [i for i, loss in enumerate(losses) if math.isfinite(loss)]
    lowest = min(finite, key=lambda i: losses[i])
    # The first points are mostly the moving average warming up: skip them.
    begin = min(len(losses) // 10, max(lowest - 1, 0))
    slopes = {
        i: (losses[i + 1] - losses[i]) / math.log10(rates[i + 1] / rates[i])
        for i in range(begin, max(lowest, begin + 1))
        if i + 1 < len(losses)
    }
    steepest = min(slopes, key=lambda i: slopes[i]) if slopes else lowest
    return _Curve(rates, losses, begin, lowest, steepest)


def _valley(curve: _Curve) -> float:
    """fast.ai's "valley": the longest run of falling losses (not necessarily
    consecutive points), and the point 1/2 of the way down it."""
    losses = curve.losses[curve.begin : curve.lowest + 1]
    longest = [1] * len(losses)
    start, end = 0, 0
    for i in range(1, len(losses)):
        for j in range(i):
            if losses[i] < losses[j]:
                longest[i] = max(longest[i], longest[j] + 1)
        if longest[i] > longest[end]:
            end, start = i, i - longest[i]
    third = (end - start) / 3
    return curve.rates[curve.begin + start + int(third) + int(third / 2)]


SUGGESTIONS: dict[str, Callable[[_Curve], float]] = {
    "valley": _valley,
    "steepest": lambda curve: curve.rates[curve.steepest],
    "minimum": lambda curve: curve.rates[curve.lowest] / 10,
}
"""The rules that pick `LrRange.suggestion`, as fast.ai's `lr_find` names them:
"valley" (its default since 2.5), "steepest" (its "steep": the fastest fall) and
"minimum" (a tenth of the lowest loss's rate)."""


def _read_curve(
    rates: list[float], losses: list[float], raw: list[float], diverged: bool, method: str
) -> LrRange:
    curve = _curve(rates, losses)
    suggestion = SUGGESTIONS[method](curve)
    high = rates[curve.lowest] / 10
    low = min(rates[curve.steepest] / 10, suggestion, high / 2)
    return LrRange(
        low, high, suggestion, method, rates[curve.steepest], rates[curve.lowest],
        rates, losses, raw, diverged,
    )  # fmt: skip


def _supervised_loss(criterion: Any, device: Any) -> Callable[[Any, Any], Any]:
    def loss_of(model: Any, batch: Any) -> Any:
        inputs, targets = batch
        return criterion(model(inputs.to(device)), targets.to(device))

    return loss_of


def _device_of(model: Any) -> Any:
    parameter = next(model.parameters(), None)
    return parameter.device if parameter is not None else "cpu"


def _cycle(data: Iterable[Any]) -> Iterable[Any]:
    while True:
        empty = True
        for batch in data:
            empty = False
            yield batch
        if empty:
            raise ValueError("data ran out of batches (a one-shot iterator must give num_steps)")
