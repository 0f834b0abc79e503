"""Optuna's own contract tests for samplers, run on `SibylSampler` against a real server.

The test cases ship with Optuna (`optuna.testing.pytest_samplers`, MIT license) for
samplers written outside it. Nothing is copied: subclassing them runs each of their
tests here, with the samplers the `sampler` fixture makes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import optuna
import pytest
from optuna.testing.pytest_samplers import (
    BasicSamplerTestCase,
    MultiObjectiveSamplerTestCase,
    RelativeSamplerTestCase,
)

from sibyl.integrations.optuna import SibylSampler
from tests.support.servers import ServerThread

optuna.logging.set_verbosity(optuna.logging.WARNING)


class TestSibylSampler(
    BasicSamplerTestCase, RelativeSamplerTestCase, MultiObjectiveSamplerTestCase
):
    @pytest.fixture
    def sampler(self, server: ServerThread) -> Iterator[Callable[[], SibylSampler]]:
        made: list[SibylSampler] = []

        def make() -> SibylSampler:
            made.append(SibylSampler(server.address, seed=0))  # the default algorithm, a GP
            return made[-1]

        yield make
        for sampler in made:
            sampler.close()
