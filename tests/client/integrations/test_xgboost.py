"""The XGBoost callback reports, prunes and completes during real (tiny) boosting runs."""

from __future__ import annotations

import numpy as np
import pytest
import xgboost
from sklearn.datasets import load_breast_cancer

import sibyl
from sibyl.integrations.xgboost import SibylCallback
from tests.client.integrations.trials import doomed_trial, fresh_trial, reported
from tests.support.servers import ServerThread


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


@pytest.fixture(scope="module")
def client(server: ServerThread):
    with sibyl.connect(server.address) as connected:
        yield connected


def test_reports_each_round_of_the_last_evaluation_set(
    client: sibyl.Client, data: tuple, unique_id: str
) -> None:
    trial = fresh_trial(client, unique_id)
    callback = train(trial, data, rounds=8)
    values = reported(trial)
    assert len(values) == 8 and not callback.pruned
    assert values[-1] < values[0]
    assert trial.state == "COMPLETED" and trial.metrics["loss"] == pytest.approx(min(values))


def test_every_few_rounds_from_a_named_set(
    client: sibyl.Client, data: tuple, unique_id: str
) -> None:
    trial = fresh_trial(client, unique_id)
    train(trial, data, rounds=8, every=3, data_name="train", complete_with="last")
    assert [m.step for m in trial.refresh().proto.measurements] == [0, 3, 6, 7]
    assert trial.metrics["loss"] == pytest.approx(reported(trial)[-1])


def test_stops_boosting_when_the_study_stops_the_trial(
    client: sibyl.Client, data: tuple, unique_id: str
) -> None:
    trial = doomed_trial(client, unique_id)
    callback = train(trial, data, rounds=50)
    assert callback.pruned and len(reported(trial)) == 2
    assert trial.state == "COMPLETED"


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
