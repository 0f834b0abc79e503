"""SibylSearchCV tunes real estimators through a real server, as RandomizedSearchCV would."""

from __future__ import annotations

import inspect
import textwrap

import numpy as np
import pytest
from scipy.stats import beta, loguniform, norm, randint, uniform
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import sibyl
from sibyl.integrations.sklearn import SearchSpace, SibylGridSearchCV, SibylSearchCV
from sibyl.v1 import study_pb2
from tests.client.test_progress import on_a_terminal
from tests.support.servers import ServerThread

SVC_SPACE = {
    "C": loguniform(1e-1, 1e3),
    "gamma": loguniform(1e-4, 1e-2),
    "kernel": ["rbf", "poly"],
    "class_weight": [None, "balanced"],
}


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, ...]:
    X, y = load_digits(return_X_y=True)
    return tuple(train_test_split(X[:600], y[:600], test_size=0.25, random_state=0))


def test_tunes_an_svc_on_digits_with_parallel_trials(
    server: ServerThread, digits: tuple[np.ndarray, ...], unique_id: str
) -> None:
    X_train, X_test, y_train, y_test = digits
    search = SibylSearchCV(
        SVC(), SVC_SPACE, n_iter=6, cv=3, n_jobs=2, random_state=0,
        address=server.address, study_id=unique_id, return_train_score=True,
    )  # fmt: skip
    search.fit(X_train, y_train)

    reference = RandomizedSearchCV(SVC(), SVC_SPACE, n_iter=2, cv=3, return_train_score=True)
    assert set(search.cv_results_) == set(reference.fit(X_train, y_train).cv_results_) | {
        "sibyl_trial"
    }
    scores = search.cv_results_["mean_test_score"]
    assert search.best_index_ == int(np.argmax(scores))
    assert search.best_score_ == scores.max() > 0.9
    assert search.best_params_ == search.cv_results_["params"][search.best_index_]
    assert search.score(X_test, y_test) > 0.9
    assert search.predict(X_test).shape == y_test.shape

    study = sibyl.connect(server.address).get_study(unique_id)
    trials = list(study.trials())
    assert [t.state for t in trials] == ["COMPLETED"] * 6
    assert list(search.cv_results_["sibyl_trial"]) == [t.id for t in trials]
    assert [t.metrics["score"] for t in trials] == pytest.approx(list(scores))
    assert search.study_name_ == study.name


def test_starts_its_own_server_without_an_address() -> None:
    X, y = load_breast_cancer(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    search = SibylSearchCV(
        model, {"logisticregression__C": loguniform(1e-3, 1e2)}, n_iter=3, cv=3, random_state=1
    )
    search.fit(X, y)
    assert search.best_score_ > 0.9
    assert search.study_name_.startswith("teams/default/studies/pipeline-logisticregression-")
    assert clone(search).get_params()["n_iter"] == 3


def test_several_scorers_optimize_the_refit_one(
    server: ServerThread, digits: tuple[np.ndarray, ...], unique_id: str
) -> None:
    X_train, _, y_train, _ = digits
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    search = SibylSearchCV(
        model, {"logisticregression__C": loguniform(1e-3, 1e-1)}, n_iter=2, cv=2,
        scoring=["accuracy", "f1_macro"], refit="f1_macro", address=server.address,
        study_id=unique_id,
    )  # fmt: skip
    search.fit(X_train, y_train)
    study = sibyl.connect(server.address).get_study(unique_id)
    assert study.objective == ("f1_macro", "MAXIMIZE")
    assert search.best_score_ == search.cv_results_["mean_test_f1_macro"].max()


def test_a_callable_scoring_several_scores_optimizes_the_refit_one(
    server: ServerThread, digits: tuple[np.ndarray, ...], unique_id: str
) -> None:
    X_train, _, y_train, _ = digits

    def scores(estimator: LogisticRegression, X: np.ndarray, y: np.ndarray) -> dict:
        predicted = estimator.predict(X)
        # "first" comes first, and is not the one to optimize.
        return {
            "first": -float(np.mean(predicted == y)),
            "accuracy": float(np.mean(predicted == y)),
        }

    search = SibylSearchCV(
        LogisticRegression(max_iter=1000), {"C": loguniform(1e-3, 1e-1)}, n_iter=2, cv=2,
        scoring=scores, refit="accuracy", address=server.address, study_id=unique_id,
    )  # fmt: skip
    search.fit(X_train, y_train)
    trials = list(sibyl.connect(server.address).get_study(unique_id).trials())
    assert [t.metrics["score"] for t in trials] == list(search.cv_results_["mean_test_accuracy"])


def test_a_spent_study_is_a_clear_error(
    server: ServerThread, digits: tuple[np.ndarray, ...], unique_id: str
) -> None:
    X_train, _, y_train, _ = digits
    search = SibylSearchCV(
        LogisticRegression(max_iter=1000), {"C": loguniform(1e-3, 1e-1)}, n_iter=2, cv=2,
        address=server.address, study_id=unique_id,
    )  # fmt: skip
    search.fit(X_train, y_train)
    with pytest.raises(ValueError, match="suggests no more trials: its budget of 2 is spent"):
        search.fit(X_train, y_train)


def test_any_estimator_parameter_name_is_searched() -> None:
    long = "step_" + "x" * 70 + "__C"
    space = SearchSpace({"log reg__C": [1, 10], long: loguniform(1e-3, 1.0)})
    names = [p.name for p in space.parameters]
    assert names == ["log_reg__C", ("step_" + "x" * 70)[:64]]
    assert space.candidate({names[0]: 10, names[1]: 0.5}) == {"log reg__C": 10, long: 0.5}


class Flaky(ClassifierMixin, BaseEstimator):
    """Fails to fit in mode "fail", else predicts the most frequent class."""

    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode

    def fit(self, X: np.ndarray, y: np.ndarray) -> Flaky:
        if self.mode == "fail":
            raise ValueError("cannot fit")
        self.classes_, counts = np.unique(y, return_counts=True)
        self.majority_ = self.classes_[np.argmax(counts)]
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.full(len(X), self.majority_)


def test_failed_fits_make_infeasible_trials(server: ServerThread, unique_id: str) -> None:
    X, y = load_breast_cancer(return_X_y=True)
    search = SibylSearchCV(
        Flaky(), {"mode": ["ok", "fail"]}, n_iter=2, cv=2, address=server.address,
        study_id=unique_id, random_state=0,
    )  # fmt: skip
    with pytest.warns(FitFailedWarning, match="fits failed|fit of trials"):
        search.fit(X, y)
    study = sibyl.connect(server.address).get_study(unique_id)
    states = {t.parameters["mode"]: t.state for t in study.trials()}
    assert states == {"ok": "COMPLETED", "fail": "INFEASIBLE"}
    assert search.best_params_ == {"mode": "ok"}


def test_spaces_map_to_sibyl_parameters_and_back() -> None:
    space = SearchSpace(
        {
            "C": loguniform(1e-2, 1e2),
            "tol": uniform(1e-4, 1e-3),
            "depth": randint(2, 6),
            "max_features": [1.0, 0.5, 2],
            "penalty": [None, "l2", True],
            "fixed": ["only"],
            "lr": sibyl.Double("ignored", 1e-4, 1e-1, scale="log"),
            "units": {"type": "integer", "low": 8, "high": 64},
        }
    )
    by_name = {p.name: p for p in space.parameters}
    assert by_name["C"] == sibyl.Double("C", 1e-2, 1e2, scale="log")
    assert by_name["tol"] == sibyl.Double("tol", 1e-4, 1.1e-3)
    assert by_name["depth"] == sibyl.Integer("depth", 2, 5)
    assert by_name["max_features"] == sibyl.Discrete("max_features", [0.5, 1.0, 2.0])
    assert by_name["penalty"] == sibyl.Categorical("penalty", ["None", "l2", "True"])
    assert by_name["lr"] == sibyl.Double("lr", 1e-4, 1e-1, scale="log")
    assert "fixed" not in by_name
    candidate = space.candidate(
        {"C": 1.0, "tol": 5e-4, "depth": 3, "max_features": 2, "penalty": "None", "lr": 0.01,
         "units": 9}
    )  # fmt: skip
    assert candidate["fixed"] == "only" and candidate["penalty"] is None
    assert candidate["max_features"] == 2 and isinstance(candidate["max_features"], int)
    assert (
        space.candidate({**candidate, "max_features": 1, "penalty": "True"})["max_features"] == 1.0
    )
    assert space.capped(10) == 10


def test_a_list_of_dicts_is_one_conditional_space() -> None:
    space = SearchSpace([{"kernel": ["linear"], "C": [1, 10]}, {"kernel": ["rbf"], "C": [1, 10],
                         "gamma": loguniform(1e-3, 1)}])  # fmt: skip
    names = [p.name for p in space.parameters]
    assert names == ["_space", "C.0", "C.1", "gamma.1"]
    assert space.parameters[1].when == sibyl.When("_space", ["0"])
    assert space.candidate({"_space": "0", "C.0": 10}) == {"kernel": "linear", "C": 10}
    assert space.candidate({"_space": "1", "C.1": 1, "gamma.1": 0.1}) == {
        "kernel": "rbf", "C": 1, "gamma": 0.1
    }  # fmt: skip


def test_unbounded_distributions_are_refused_and_odd_shapes_warned_about() -> None:
    with pytest.raises(ValueError, match="unbounded"):
        SearchSpace({"x": norm()})
    with pytest.warns(UserWarning, match="uniformly over"):
        SearchSpace({"x": beta(2, 3)})
    with pytest.raises(TypeError, match="list of values"):
        SearchSpace({"x": "abc"})


def test_small_finite_spaces_cap_n_iter() -> None:
    with pytest.warns(UserWarning, match="only 4 candidates"):
        assert SearchSpace({"a": [1, 2], "b": ["x", "y"]}).capped(10) == 4


GRID = {"C": [0.01, 0.1, 1.0], "fit_intercept": [True, False]}


def test_a_grid_reproduces_grid_search_cv(server: ServerThread) -> None:
    X, y = load_breast_cancer(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    grid = {f"logisticregression__{k}": v for k, v in GRID.items()}
    reference = GridSearchCV(model, grid, cv=3).fit(X, y)
    for search in (
        SibylGridSearchCV(model, grid, cv=3, address=server.address),
        SibylSearchCV(model, param_grid=grid, cv=3, address=server.address),
    ):
        search.fit(X, y)
        scores = dict(zip(map(repr, search.cv_results_["params"]),
                          search.cv_results_["mean_test_score"], strict=True))  # fmt: skip
        expected = dict(zip(map(repr, reference.cv_results_["params"]),
                            reference.cv_results_["mean_test_score"], strict=True))  # fmt: skip
        assert scores == pytest.approx(expected)  # every candidate once, same folds
        assert search.best_params_ == reference.best_params_


def test_the_grid_alias_has_grid_search_cvs_signature() -> None:
    ours = list(inspect.signature(SibylGridSearchCV).parameters)
    theirs = list(inspect.signature(GridSearchCV).parameters)
    assert ours[: len(theirs)] == theirs
    search = SibylGridSearchCV(SVC(), {"C": [1, 2]}, cv=2, n_jobs=1)
    assert clone(search).get_params()["param_grid"] == {"C": [1, 2]}
    with pytest.raises(TypeError, match="list of values"):
        SibylGridSearchCV(SVC(), {"C": loguniform(1, 2)}).fit([[0], [1]], [0, 1])
    with pytest.raises(ValueError, match="exactly one"):
        SibylSearchCV(SVC(), {"C": [1]}, param_grid={"C": [1]}).fit([[0], [1]], [0, 1])


def test_a_grid_larger_than_n_iter_is_searched_by_the_model(server: ServerThread) -> None:
    X, y = load_breast_cancer(return_X_y=True)
    search = SibylSearchCV(
        make_pipeline(StandardScaler(), LogisticRegression()),
        param_grid={"logisticregression__C": list(np.logspace(-3, 2, 12))},
        n_iter=4, cv=2, address=server.address, keep_study=True, random_state=0,
    )  # fmt: skip
    search.fit(X, y)
    study = sibyl.connect(server.address).get_study(search.study_name_.rsplit("/", 1)[-1])
    assert study.proto.spec.algorithm == study_pb2.ALGORITHM_GP_BANDIT
    assert len(list(study.trials())) == 4 == len(search.cv_results_["params"])
    study.delete()


def test_studies_are_named_from_the_estimator_and_deleted_unless_kept(
    server: ServerThread, unique_id: str
) -> None:
    X, y = load_breast_cancer(return_X_y=True)
    client = sibyl.connect(server.address)

    def study_ids() -> set[str]:
        return {s.study_id for s in client.list_studies()}

    before = study_ids()
    options = {"cv": 2, "address": server.address}
    made_up = SibylGridSearchCV(SVC(), {"C": [1.0, 2.0]}, **options).fit(X, y)
    assert made_up.study_name_.split("/")[-1].startswith("svc-")
    assert study_ids() == before  # deleted when fit returned

    kept = SibylGridSearchCV(SVC(), {"C": [1.0, 2.0]}, keep_study=True, **options).fit(X, y)
    SibylGridSearchCV(SVC(), {"C": [1.0, 2.0]}, study_id=unique_id, **options).fit(X, y)
    assert study_ids() - before == {kept.study_name_.split("/")[-1], unique_id}
    client.get_study(unique_id).delete()
    client.get_study(kept.study_name_.split("/")[-1]).delete()


def test_a_terminal_shows_the_searchs_progress_bar(server: ServerThread) -> None:
    code = textwrap.dedent(f"""
        from sklearn.datasets import load_iris
        from sklearn.tree import DecisionTreeClassifier
        from sibyl.integrations.sklearn import SibylGridSearchCV
        SibylGridSearchCV(DecisionTreeClassifier(random_state=0), {{"max_depth": [1, 2, 3]}},
                          cv=2, address={server.address!r}).fit(*load_iris(return_X_y=True))
    """)
    output = on_a_terminal(code)
    assert "SibylGridSearchCV" in output and "3/3" in output and "best score=0.9" in output
