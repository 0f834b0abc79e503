"""The XGBoost callback reports, prunes and completes during real (tiny) boosting runs."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pytest
import xgboost
from sklearn.datasets import load_breast_cancer

import sibyl
from sibyl.integrations.xgboost import SibylCallback
from tests.client.integrations.boosting import BoostingCallbackTests
from tests.client.integrations.trials import fresh_trial, reported


@pytest.fixture(scope="module")
def data() -> tuple[xgboost.DMatrix, xgboost.DMatrix]:
    X, y = load_breast_cancer(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(y))
    train, valid = order[:400], order[400:]
    return xgboost.DMatrix(X[train], y[train]), xgboost.DMatrix(X[valid], y[valid])


def train(trial: sibyl.Trial, data: tuple, rounds: int, **options) -> SibylCallback:
    dtrain, dvalid = data
    callback = SibylCallback(trial, "logloss", **options)
    params = {"objective": "binary:logistic", "eval_metric": ["auc", "logloss"],
              "eta": float(trial.parameters["learning_rate"]) * 10, "nthread": 1}  # fmt: skip
    xgboost.train(params, dtrain, num_boost_round=rounds,
                  evals=[(dtrain, "train"), (dvalid, "valid")], callbacks=[callback])  # fmt: skip
    return callback


class TestXGBoostCallback(BoostingCallbackTests):
    train = staticmethod(train)
    every_options: ClassVar[dict[str, Any]] = {"data_name": "train"}


def test_the_scikit_learn_estimator_and_cv(
    client: sibyl.Client, data: tuple, unique_id: str
) -> None:
    X, y = load_breast_cancer(return_X_y=True)
    trial = fresh_trial(client, unique_id)
    model = xgboost.XGBClassifier(n_estimators=5, eval_metric="logloss", n_jobs=1,
                                  callbacks=[SibylCallback(trial, "logloss")])  # fmt: skip
    model.fit(X[:400], y[:400], eval_set=[(X[400:], y[400:])], verbose=False)
    assert len(reported(trial)) == 5 and trial.state == "COMPLETED"

    trial = fresh_trial(client, unique_id + "-cv")
    xgboost.cv(
        {"objective": "binary:logistic", "eval_metric": "logloss", "nthread": 1},
        data[0],
        num_boost_round=4,
        nfold=3,
        callbacks=[SibylCallback(trial, "logloss")],
    )
    assert len(reported(trial)) == 4 and trial.state == "COMPLETED"  # fmt: skip


def test_an_unknown_metric_names_the_logged_ones(
    client: sibyl.Client, data: tuple, unique_id: str
) -> None:
    trial = fresh_trial(client, unique_id)
    callback = SibylCallback(trial, "error")
    with pytest.raises(KeyError, match=r"'valid-error' is not among .*'valid-logloss'"), trial:
        xgboost.train({"eval_metric": "logloss"}, data[0], 2, evals=[(data[1], "valid")],
                      callbacks=[callback])  # fmt: skip
    assert trial.state == "INFEASIBLE"
