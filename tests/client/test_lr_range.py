"""sibyl.lr_range_test on a small torch model: a usable log-scale range, the model untouched."""

from __future__ import annotations

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
    assert 1e-7 < found.low < found.steepest_lr <= found.min_loss_lr <= found.high
    assert found.high < found.learning_rates[-1]
    assert len(found.learning_rates) == len(found.losses) == len(found.raw_losses) < 80
    assert min(found.losses) < found.losses[0]
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    assert optimizer.param_groups[0]["lr"] == 0.1

    parameter = found.parameter("lr")
    assert parameter == sibyl.Double("lr", found.low, found.high, scale="log")
    sibyl.StudySpec([parameter], [sibyl.Metric("loss")]).to_proto()


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
