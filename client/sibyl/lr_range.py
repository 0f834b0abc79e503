"""The learning-rate range test: a search range for the learning rate in one short run.

    found = sibyl.lr_range_test(model, torch.optim.SGD(model.parameters(), lr=0.1),
                                torch.nn.functional.cross_entropy, train_loader)
    spec = sibyl.StudySpec([found.parameter("learning_rate"), ...], ...)

The classic sweep (Smith, "Cyclical Learning Rates", 2017): train on successive
batches while the learning rate grows exponentially from `start_lr` to `end_lr`,
record the smoothed loss, and stop when it diverges. Too small a rate barely moves the
loss; too large makes it blow up; the useful range lies between. torch is imported by
the function, never when `sibyl` is imported.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sibyl.spec import Double


@dataclass(frozen=True)
class LrRange:
    """A suggested log-scale learning-rate range and the curve it comes from.

    Attributes:
        low: Lower bound: a tenth of the rate where the loss fell fastest.
        high: Upper bound: the rate with the lowest smoothed loss (beyond it the loss
            rises, then diverges).
        steepest_lr: Where the smoothed loss fell fastest per decade of learning rate.
        min_loss_lr: Where the smoothed loss was lowest.
        learning_rates: The rates tried, one per batch, increasing.
        losses: The smoothed loss at each rate.
        raw_losses: The loss of each batch, unsmoothed.
        diverged: Whether the sweep stopped early because the loss blew up.
    """

    low: float
    high: float
    steepest_lr: float
    min_loss_lr: float
    learning_rates: list[float]
    losses: list[float]
    raw_losses: list[float]
    diverged: bool

    def parameter(self, name: str = "learning_rate") -> Double:
        """The range as a study parameter: `Double(name, low, high, scale="log")`."""
        return Double(name, self.low, self.high, scale="log")


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
) -> LrRange:
    """Runs the learning-rate range test on `model` and suggests a log-scale range.

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
            its lowest value, or is not finite.
        compute_loss: `compute_loss(model, batch) -> loss`, for batches of another shape.
        restore: Put the model's and the optimizer's state back afterwards, so the
            sweep leaves no trace.

    Returns:
        The suggested range (`low`, `high`) with the curve it was read from.
    """
    import torch

    if criterion is None and compute_loss is None:
        raise ValueError("give a criterion, or compute_loss(model, batch)")
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
        if not math.isfinite(smoothed[-1]) or smoothed[-1] > diverge_factor * min(smoothed):
            diverged = True
            break
    if restore:
        with torch.no_grad():
            model.load_state_dict(saved[0])
        optimizer.load_state_dict(saved[1])
    return _suggest(tried, smoothed, raw, diverged)


def _suggest(rates: list[float], losses: list[float], raw: list[float], diverged: bool) -> LrRange:
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
    low = rates[steepest] / 10
    high = max(rates[lowest], low * 10)
    return LrRange(low, high, rates[steepest], rates[lowest], rates, losses, raw, diverged)


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
