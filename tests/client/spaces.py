"""Search spaces the client tests share."""

from __future__ import annotations

import sibyl

OPTIMIZER_WITH_MOMENTUM = (
    sibyl.Categorical("optimizer", ["sgd", "adam"]),
    sibyl.Double("momentum", 0.0, 0.99, when=sibyl.When("optimizer", ["sgd"])),
)
"""An optimizer's choice and a momentum that exists only for SGD: a conditional space."""
