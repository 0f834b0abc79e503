"""The Keras callback reports, prunes and completes during real (tiny) `model.fit` runs."""

from __future__ import annotations

import os

os.environ["KERAS_BACKEND"] = "torch"  # before keras is imported: the suite has no tensorflow

import keras
import numpy as np
import pytest

import sibyl
from sibyl.integrations.keras import SibylCallback
from tests.client.integrations.trials import doomed_trial, fresh_trial, reported

# keras on torch warns of deprecated torch and numpy calls it makes itself.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 4)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5, 0.0], dtype="float32") > 0).astype("float32")
    return x, y


def fit(
    trial: sibyl.Trial,
    data: tuple[np.ndarray, ...],
    epochs: int,
    validation_freq: int = 1,
    **options: object,
) -> SibylCallback:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.SGD(float(trial.parameters["learning_rate"])),
                  "binary_crossentropy", metrics=["accuracy"])  # fmt: skip
    callback = SibylCallback(trial, **options)
    x, y = data
    model.fit(x, y, validation_split=0.25, epochs=epochs, batch_size=64, verbose=0,
              validation_freq=validation_freq, callbacks=[callback])  # fmt: skip
    return callback


def test_reports_each_epoch_and_completes_with_the_best_value(
    client: sibyl.Client, data: tuple[np.ndarray, ...], unique_id: str
) -> None:
    trial = fresh_trial(client, unique_id, metric="accuracy", goal="maximize")
    callback = fit(trial, data, epochs=4, monitor="val_accuracy")
    values = reported(trial, "accuracy")
    assert len(values) == 4 and not callback.pruned
    assert trial.state == "COMPLETED"
    assert trial.metrics["accuracy"] == pytest.approx(max(values))


def test_the_last_value_when_asked(
    client: sibyl.Client, data: tuple[np.ndarray, ...], unique_id: str
) -> None:
    trial = fresh_trial(client, unique_id)
    fit(trial, data, epochs=3, complete_with="last")
    assert trial.metrics["loss"] == pytest.approx(reported(trial)[-1])


def test_stops_training_when_the_study_stops_the_trial(
    client: sibyl.Client, data: tuple[np.ndarray, ...], unique_id: str
) -> None:
    trial = doomed_trial(client, unique_id)
    callback = fit(trial, data, epochs=10)
    assert callback.pruned
    assert len(reported(trial)) == 2  # steps 0 and 1: stopped at the policy's min_step
    assert trial.state == "COMPLETED" and trial.metrics["loss"] == min(reported(trial))


def test_epochs_without_validation_are_not_reported(
    client: sibyl.Client, data: tuple[np.ndarray, ...], unique_id: str
) -> None:
    trial = fresh_trial(client, unique_id)
    fit(trial, data, epochs=4, validation_freq=2)  # validation after epochs 1 and 3
    assert [m.step for m in trial.refresh().proto.measurements] == [1, 3]
    assert trial.state == "COMPLETED"


def test_a_monitor_keras_does_not_log_is_an_error_naming_the_logged_ones(
    client: sibyl.Client, data: tuple[np.ndarray, ...], unique_id: str
) -> None:
    trial = fresh_trial(client, unique_id)
    with pytest.raises(KeyError, match=r"'val_los' is not among .*'val_loss'"), trial:
        fit(trial, data, epochs=2, monitor="val_los")
    assert trial.state == "INFEASIBLE"


def test_sibyl_optimize_runs_keras_trials(
    client: sibyl.Client, data: tuple[np.ndarray, ...], unique_id: str
) -> None:
    spec = sibyl.StudySpec([sibyl.Double("learning_rate", 1e-3, 1.0, scale="log")],
                           [sibyl.Metric("loss")], algorithm="random_search", seed=0)  # fmt: skip
    study = client.create_study(unique_id, spec)
    result = sibyl.optimize(lambda trial: fit(trial, data, epochs=2) and None, study,
                            n_trials=3, progress=None)  # fmt: skip
    assert [t.state for t in result.trials] == ["COMPLETED"] * 3
    for trial in result.trials:
        assert trial.metrics["loss"] == min(reported(trial))


def test_a_diverging_loss_stops_training_and_makes_the_trial_infeasible(
    client: sibyl.Client, data: tuple[np.ndarray, ...], unique_id: str
) -> None:
    trial = fresh_trial(client, unique_id)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(1e3), "mse")  # far too high: the loss overflows
    callback = SibylCallback(trial, "loss")
    history = model.fit(*data, epochs=20, batch_size=8, verbose=0, callbacks=[callback])
    assert callback.reporter.diverged and len(history.history["loss"]) < 20
    assert trial.state == "INFEASIBLE" and "NaN or infinite" in trial.proto.infeasibility_reason
