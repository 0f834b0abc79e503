"""sibyl.lr_range_test on a small torch model: a usable log-scale range, the model untouched."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest
import torch

import sibyl


def problem() -> tuple[torch.nn.Module, list[tuple[torch.Tensor, torch.Tensor]]]:
    torch.manual_seed(0)
    inputs = torch.randn(512, 8)
    targets = (inputs @ torch.randn(8, 1)).squeeze(1).gt(0).long()
    batches = [(inputs[i : i + 32], targets[i : i + 32]) for i in range(0, 512, 32)]
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
    return model, batches


def test_suggests_a_range_below_divergence_and_restores_the_model() -> None:
    model, batches = problem()
    before = [p.detach().clone() for p in model.parameters()]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    found = sibyl.lr_range_test(
        model, optimizer, torch.nn.functional.cross_entropy, batches, end_lr=100.0, num_steps=80
    )
    assert found.diverged, "SGD with momentum blows up well before a rate of 100"
    assert 1e-7 < found.low < found.steepest_lr <= found.min_loss_lr
    assert found.low < found.high == pytest.approx(found.min_loss_lr / 10)
    assert found.method == "valley" and found.low <= found.suggestion <= found.min_loss_lr
    assert len(found.learning_rates) == len(found.losses) == len(found.raw_losses) < 80
    assert min(found.losses) < found.losses[0]
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    assert optimizer.param_groups[0]["lr"] == 0.1

    parameter = found.parameter("lr")
    assert parameter == sibyl.Double("lr", found.low, found.high, scale="log")
    sibyl.StudySpec([parameter], [sibyl.Metric("loss")]).to_proto()


def test_a_negative_loss_sweeps_as_the_same_loss_shifted_up() -> None:
    # Any negative loss was "above 4 times its lowest" at the first batch: the sweep
    # stopped there (a Gaussian negative log-likelihood, a negative ELBO).
    def shifted(offset: float) -> sibyl.LrRange:
        model, batches = problem()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

        def loss(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
            return torch.nn.functional.cross_entropy(outputs, targets) + offset

        return sibyl.lr_range_test(model, optimizer, loss, batches, end_lr=100.0, num_steps=80)

    negative, plain = shifted(-10.0), shifted(0.0)
    assert negative.diverged and len(plain.losses) <= len(negative.losses) < 80
    assert negative.low <= negative.suggestion < negative.learning_rates[-1]


def test_a_rate_from_the_range_trains_the_model() -> None:
    model, batches = problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    found = sibyl.lr_range_test(model, optimizer, torch.nn.functional.cross_entropy, batches)
    for group in optimizer.param_groups:
        group["lr"] = (found.low * found.high) ** 0.5
    losses = []
    for _ in range(3):
        for inputs, targets in batches:
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(inputs), targets)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    assert sum(losses[-16:]) < sum(losses[:16])


def test_custom_losses_and_bad_arguments() -> None:
    model, batches = problem()
    optimizer = torch.optim.Adam(model.parameters())

    def compute_loss(net: torch.nn.Module, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
        return torch.nn.functional.cross_entropy(net(batch[0]), batch[1])

    found = sibyl.lr_range_test(model, optimizer, None, batches, compute_loss=compute_loss,
                                num_steps=20)  # fmt: skip
    assert len(found.learning_rates) <= 20 and found.low < found.high
    with pytest.raises(ValueError, match="criterion"):
        sibyl.lr_range_test(model, optimizer, None, batches)
    with pytest.raises(ValueError, match="start_lr"):
        sibyl.lr_range_test(model, optimizer, compute_loss, batches, start_lr=1.0, end_lr=0.1)
    with pytest.raises(ValueError, match="ran out"):
        sibyl.lr_range_test(model, optimizer, torch.nn.functional.cross_entropy, iter(batches[:2]))


def test_the_suggestion_rules_read_one_curve() -> None:
    model, batches = problem()
    optimizer = torch.optim.Adam(model.parameters())
    loss = torch.nn.functional.cross_entropy
    found = sibyl.lr_range_test(model, optimizer, loss, batches, num_steps=60, suggest="steepest")
    assert found.method == "steepest" and found.suggestion == found.steepest_lr
    assert found.suggested("minimum") == pytest.approx(found.min_loss_lr / 10) == found.high
    valley = found.suggested("valley")
    assert found.learning_rates[0] < valley <= found.min_loss_lr
    with pytest.raises(ValueError, match="suggest must be one of"):
        sibyl.lr_range_test(model, optimizer, loss, batches, suggest="slide")


def test_schedules_from_the_range_train_the_model() -> None:
    model, batches = problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    found = sibyl.lr_range_test(model, optimizer, torch.nn.functional.cross_entropy, batches)
    for scheduler, steps in (
        (found.one_cycle(optimizer, total_steps=3 * len(batches)), 3 * len(batches)),
        (found.cyclic(optimizer, step_size_up=len(batches)), 2 * len(batches)),
    ):
        rates, losses = [], []
        for _, (inputs, targets) in zip(range(steps), batches * 3, strict=False):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(inputs), targets)
            loss.backward()
            optimizer.step()
            scheduler.step()
            rates.append(optimizer.param_groups[0]["lr"])
            losses.append(loss.item())
        assert max(rates) == pytest.approx(found.high, rel=0.05)
        assert sum(losses[-8:]) < sum(losses[:8])
    assert min(rates) == pytest.approx(found.low, rel=0.05)  # the cyclic one's floor


def test_plots_the_curve_to_a_file(tmp_path: Path) -> None:
    matplotlib.use("Agg")  # no display needed
    model, batches = problem()
    optimizer = torch.optim.Adam(model.parameters())
    found = sibyl.lr_range_test(model, optimizer, torch.nn.functional.cross_entropy, batches)
    ax = found.plot(tmp_path / "lr.png")
    assert (tmp_path / "lr.png").read_bytes()[:4] == b"\x89PNG"
    assert ax.get_xscale() == "log" and "valley" in ax.get_legend_handles_labels()[1][-1]
