"""The LightGBM callback reports, prunes and completes during real (tiny) boosting runs."""

from __future__ import annotations

import lightgbm
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer

import sibyl
from sibyl.integrations.lightgbm import SibylCallback
from tests.client.integrations.boosting import BoostingCallbackTests
from tests.client.integrations.trials import fresh_trial, reported

PARAMS = {"objective": "binary", "metric": ["auc", "binary_logloss"], "verbose": -1,
          "num_threads": 1, "min_data_in_leaf": 5}  # fmt: skip


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, ...]:
    X, y = load_breast_cancer(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(y))
    return X[order[:400]], y[order[:400]], X[order[400:]], y[order[400:]]


def train(trial: sibyl.Trial, data: tuple, rounds: int, *extra, **options) -> SibylCallback:
    X, y, X_valid, y_valid = data
    train_set = lightgbm.Dataset(X, y)
    valid_set = lightgbm.Dataset(X_valid, y_valid, reference=train_set)
    callback = SibylCallback(trial, "binary_logloss", **options)
    params = {**PARAMS, "learning_rate": float(trial.parameters["learning_rate"]) * 10}
    lightgbm.train(params, train_set, num_boost_round=rounds, valid_sets=[train_set, valid_set],
                   callbacks=[callback, *extra])  # fmt: skip
    callback.finish()
    return callback


class TestLightGBMCallback(BoostingCallbackTests):
    train = staticmethod(train)


def test_lightgbm_early_stopping_then_finish(
    client: sibyl.Client, data: tuple, unique_id: str
) -> None:
    trial = fresh_trial(client, unique_id)
    # The validation loss stops improving long before 200 rounds.
    stop = lightgbm.early_stopping(2, first_metric_only=False, verbose=False)
    train(trial, data, 200, stop)
    steps = len(reported(trial))
    assert 2 < steps < 200 and trial.state == "COMPLETED"


def test_the_scikit_learn_estimator_and_cv(
    client: sibyl.Client, data: tuple, unique_id: str
) -> None:
    X, y, X_valid, y_valid = data
    trial = fresh_trial(client, unique_id)
    model = lightgbm.LGBMClassifier(n_estimators=5, verbose=-1, n_jobs=1)
    callback = SibylCallback(trial, "binary_logloss")
    model.fit(X, y, eval_X=(X_valid,), eval_y=(y_valid,), callbacks=[callback])
    assert len(reported(trial)) == 5 and trial.state == "COMPLETED"

    trial = fresh_trial(client, unique_id + "-cv")
    lightgbm.cv(PARAMS, lightgbm.Dataset(X, y), num_boost_round=4, nfold=3,
                callbacks=[SibylCallback(trial, "binary_logloss")])  # fmt: skip
    assert len(reported(trial)) == 4 and trial.state == "COMPLETED"
