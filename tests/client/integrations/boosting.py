"""The tests every boosting library's callback passes (LightGBM, XGBoost): a test class
of the library's file derives from `BoostingCallbackTests` and names its `train`."""

from __future__ import annotations

from typing import Any, ClassVar

import sibyl
from tests.client.integrations.trials import (
    doomed_trial,
    every_third_and_the_last,
    fresh_trial,
    learned_and_completed,
    stopped_by_the_policy,
)


class BoostingCallbackTests:
    """Reporting each round, every few rounds, and stopping when the study stops the trial.

    A subclass sets `train(trial, data, rounds, **options)`, which trains `rounds` rounds
    on the module's `data` fixture with a `SibylCallback(trial, ..., **options)` and
    returns the callback, and `every_options`, the options that also name the set
    reported every few rounds, if any.
    """

    every_options: ClassVar[dict[str, Any]] = {}

    @staticmethod
    def train(trial: sibyl.Trial, data: Any, rounds: int, **options: Any) -> Any:
        raise NotImplementedError

    def test_reports_each_round_of_the_last_evaluation_set(
        self, client: sibyl.Client, data: Any, unique_id: str
    ) -> None:
        trial = fresh_trial(client, unique_id)
        callback = self.train(trial, data, rounds=8)
        assert len(learned_and_completed(trial)) == 8 and not callback.pruned

    def test_every_few_rounds_and_the_last_one(
        self, client: sibyl.Client, data: Any, unique_id: str
    ) -> None:
        trial = fresh_trial(client, unique_id)
        self.train(trial, data, rounds=8, every=3, complete_with="last", **self.every_options)
        every_third_and_the_last(trial)

    def test_stops_boosting_when_the_study_stops_the_trial(
        self, client: sibyl.Client, data: Any, unique_id: str
    ) -> None:
        trial = doomed_trial(client, unique_id)
        stopped_by_the_policy(trial, self.train(trial, data, rounds=50).pruned)
