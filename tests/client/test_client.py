"""The friendly client against a real server, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time

import pytest

import sibyl
from sibyl_server.domain.names import StudyName
from sibyl_server.store import open_store
from tests.support.servers import ServerThread

CLIENT_OPTIONS = {"team": "client-tests", "client_id": "test-worker"}

SPEC = sibyl.StudySpec(
    parameters=[
        sibyl.Double("learning_rate", 1e-4, 1e-1, scale="log"),
        sibyl.Integer("layers", 1, 4),
        sibyl.Discrete("batch_size", [16, 32, 64]),
        sibyl.Categorical("optimizer", ["sgd", "adam"]),
    ],
    metrics=[sibyl.Metric("accuracy", goal="maximize")],
    algorithm="quasi_random_search",
    seed=0,
)


def test_a_training_loop(client: sibyl.Client, unique_id: str) -> None:
    study = client.create_or_load_study(unique_id, SPEC)
    for _ in range(3):
        for trial in study.suggest(count=2):
            with trial:
                params = trial.parameters
                assert list(params) == ["learning_rate", "layers", "batch_size", "optimizer"]
                assert isinstance(params["layers"], int)
                assert isinstance(params["batch_size"], int), "integral discrete values are ints"
                assert params["batch_size"] in (16, 32, 64)
                assert isinstance(params["learning_rate"], float)
                for epoch in range(1, 3):
                    trial.report({"accuracy": 0.1 * epoch}, step=epoch)
                trial.complete({"accuracy": params["layers"] / 10})
            assert trial.state == "COMPLETED"
    trials = list(study.trials())
    assert [t.id for t in trials] == [1, 2, 3, 4, 5, 6]
    assert [len(t.proto.measurements) for t in trials] == [2] * 6
    basic = list(study.trials(measurements=False))
    assert [t.id for t in basic] == [1, 2, 3, 4, 5, 6]
    assert [t.metrics for t in basic] == [t.metrics for t in trials]
    assert not any(t.proto.measurements for t in basic)
    best = study.best_trial()
    assert best is not None
    assert best.metrics["accuracy"] == max(t.metrics["accuracy"] for t in trials)


def test_metrics_beside_the_objectives_are_kept(client: sibyl.Client, unique_id: str) -> None:
    study = client.create_or_load_study(unique_id, SPEC)
    [trial] = study.suggest()
    trial.report({"accuracy": 0.5, "train_loss": 1.25, "samples_per_second": 900.0}, step=1)
    trial.complete({"accuracy": 0.75, "train_loss": 0.5})
    stored = study.get_trial(trial.id)
    assert dict(stored.proto.measurements[0].metrics) == {
        "accuracy": 0.5,
        "train_loss": 1.25,
        "samples_per_second": 900.0,
    }
    assert stored.metrics == {"accuracy": 0.75, "train_loss": 0.5}
    with pytest.raises(sibyl.InvalidArgumentError, match=r"missing metrics .*accuracy"):
        study.suggest()[0].complete({"train_loss": 0.5})  # the objective is still required


def test_parameter_importance(client: sibyl.Client, unique_id: str) -> None:
    study = client.create_or_load_study(unique_id, SPEC)
    with pytest.raises(sibyl.FailedPreconditionError, match="2 are needed"):
        study.parameter_importance()
    for trial in study.suggest(count=12):
        layers = trial.parameters["layers"]
        trial.complete({"accuracy": 0.1 * layers, "train_loss": 1.0 / layers})
    importance = study.parameter_importance()
    assert (importance.metric, importance.method, importance.trial_count) == (
        "accuracy",
        "GP_SOBOL",
        12,
    )
    assert importance.parameters[0].parameter == "layers"
    assert importance.parameters[0].importance > 0.9
    assert sum(p.importance for p in importance.parameters) == pytest.approx(1.0)
    assert study.parameter_importance("train_loss").parameters[0].parameter == "layers"
    with pytest.raises(sibyl.InvalidArgumentError) as caught:
        study.parameter_importance("no_such_metric")
    assert caught.value.field == "metric"


def test_spec_as_a_dict(client: sibyl.Client, unique_id: str) -> None:
    spec = {
        "parameters": {
            "learning_rate": {"type": "double", "low": 1e-4, "high": 0.1, "scale": "log"},
            "layers": {"type": "integer", "low": 1, "high": 4},
            "batch_size": [16, 32, 64],
            "optimizer": ["sgd", "adam"],
        },
        "metrics": {"accuracy": "maximize"},
        "algorithm": "quasi_random_search",
        "seed": 0,
    }
    study = client.create_or_load_study(unique_id, spec)
    assert study.proto.spec == client.create_or_load_study(unique_id, SPEC).proto.spec
    with pytest.raises(ValueError, match="unknown spec keys"):
        sibyl.StudySpec.from_dict({**spec, "budget": 3})


def test_create_or_load_is_idempotent_and_checks_the_spec(
    client: sibyl.Client, unique_id: str
) -> None:
    first = client.create_or_load_study(unique_id, SPEC)
    again = client.create_or_load_study(unique_id, SPEC)
    assert first.name == again.name
    different = sibyl.StudySpec(
        parameters=[sibyl.Double("learning_rate", 1e-5, 1e-1, scale="log")],
        metrics=SPEC.metrics,
    )
    with pytest.raises(ValueError, match="different parameters"):
        client.create_or_load_study(unique_id, different)
    stopping = dataclasses.replace(SPEC, early_stopping=sibyl.MedianStopping())
    with pytest.raises(ValueError, match="different early_stopping"):
        client.create_or_load_study(unique_id, stopping)
    with pytest.raises(sibyl.AlreadyExistsError):
        client.create_study(unique_id, SPEC)


def test_context_manager_marks_failures_infeasible(client: sibyl.Client, unique_id: str) -> None:
    study = client.create_study(unique_id, SPEC)
    [trial] = study.suggest()
    with pytest.raises(RuntimeError), trial:
        raise RuntimeError("CUDA out of memory")
    assert trial.state == "INFEASIBLE"
    assert (
        study.get_trial(trial.id).proto.infeasibility_reason == "RuntimeError: CUDA out of memory"
    )
    [interrupted] = study.suggest()
    with pytest.raises(KeyboardInterrupt), interrupted:
        raise KeyboardInterrupt
    assert study.get_trial(interrupted.id).state == "ACTIVE", "Ctrl-C keeps the trial for a resume"
    assert [t.id for t in study.suggest()] == [interrupted.id]


def test_an_error_message_with_terminal_colours_still_marks_the_trial(
    client: sibyl.Client, unique_id: str
) -> None:
    study = client.create_study(unique_id, SPEC)
    [trial] = study.suggest()
    with pytest.raises(ValueError), trial:
        raise ValueError("\x1b[31mloss diverged\x1b[0m\n" + "x" * 5000)
    stored = study.get_trial(trial.id)
    assert stored.state == "INFEASIBLE"
    assert stored.proto.infeasibility_reason.startswith("ValueError: \\x1b[31mloss diverged")
    assert len(stored.proto.infeasibility_reason) == 4096


def test_an_error_message_with_a_lone_surrogate_still_marks_the_trial(
    client: sibyl.Client, unique_id: str
) -> None:
    # A file name read with errors="surrogateescape" keeps bytes that are not UTF-8 as
    # lone surrogates, which protobuf cannot encode.
    name = b"data-\xff.csv".decode("utf-8", "surrogateescape")
    study = client.create_study(unique_id, SPEC)
    [trial] = study.suggest()
    with pytest.raises(FileNotFoundError), trial:
        raise FileNotFoundError(name)
    stored = study.get_trial(trial.id)
    assert stored.state == "INFEASIBLE"
    assert stored.proto.infeasibility_reason == "FileNotFoundError: data-\\udcff.csv"


def test_warm_start_and_queued_trials(client: sibyl.Client, unique_id: str) -> None:
    study = client.create_study(unique_id, SPEC)
    params = {"learning_rate": 0.01, "layers": 2, "batch_size": 32, "optimizer": "adam"}
    done = study.add_trial(params, {"accuracy": 0.9})
    failed = study.add_trial({**params, "layers": 3}, infeasible_reason="\x1b[31mdiverged")
    queued = study.add_trial({**params, "layers": 4})
    assert (done.state, failed.state, queued.state) == ("COMPLETED", "INFEASIBLE", "REQUESTED")
    assert failed.proto.infeasibility_reason == "\\x1b[31mdiverged"  # escaped, as trial.fail's
    [handed] = study.suggest()
    assert handed.id == queued.id and handed.parameters["layers"] == 4
    assert [t.id for t in study.trials(states=("completed", "infeasible"))] == [1, 2]
    best = study.best_trial()
    assert best is not None and best.id == done.id


def test_study_lifecycle(client: sibyl.Client, unique_id: str) -> None:
    study = client.create_study(unique_id, SPEC)
    study.pause()
    assert study.state == "PAUSED"
    with pytest.raises(sibyl.FailedPreconditionError) as caught:
        study.suggest()
    assert caught.value.reason == "STUDY_NOT_ACTIVE"
    study.resume()
    assert len(study.suggest()) == 1
    study.complete()
    assert study.suggest() == [], "a completed study suggests nothing"
    assert unique_id in [s.study_id for s in client.list_studies()]
    study.delete()
    with pytest.raises(sibyl.NotFoundError) as missing:
        client.get_study(unique_id)
    assert missing.value.reason == "STUDY_NOT_FOUND"


def test_typed_errors_name_the_field(client: sibyl.Client, unique_id: str) -> None:
    # A condition on a category the parent lacks: only the server can judge it.
    bad = sibyl.StudySpec(
        parameters=[
            sibyl.Categorical("opt", ["sgd"]),
            sibyl.Double("m", 0, 1, when=sibyl.When("opt", ["rmsprop"])),
        ],
        metrics=[sibyl.Metric("y")],
    )
    with pytest.raises(sibyl.InvalidArgumentError) as caught:
        client.create_study(unique_id, bad)
    error = caught.value
    assert error.field == "study.spec.parameters[1].condition.categories.values[0]"
    assert error.reason == "INVALID_ARGUMENT"
    assert isinstance(error, sibyl.SibylError)
    study = client.create_study(unique_id, SPEC)
    [trial] = study.suggest()
    with pytest.raises(sibyl.InvalidArgumentError) as caught:
        trial.complete({"accuracy": float("nan")})
    assert caught.value.field == "final_measurement.metrics['accuracy']"


def test_deadlines_apply_and_a_cancelled_wait_leaks_no_lock(
    server: ServerThread, store_url: str, unique_id: str
) -> None:
    client = sibyl.connect(server.address, team="client-tests", suggest_timeout_seconds=0.5)
    study = client.create_study(unique_id, SPEC)
    store = open_store(store_url, pool_size=2)
    with store.transaction(write=False) as tx:
        study_pk = tx.study(StudyName("client-tests", unique_id)).pk
    held = store.study_lock(study_pk)
    assert held.try_acquire()
    try:
        began = time.monotonic()
        with pytest.raises(sibyl.DeadlineExceededError):
            study.suggest()
        assert 0.4 < time.monotonic() - began < 5
    finally:
        held.release()
        store.close()
    client.close()
    with sibyl.connect(server.address, team="client-tests") as patient:
        resumed = patient.get_study(unique_id)
        assert len(resumed.suggest()) == 1, "the abandoned call released everything it held"


def test_unavailable_calls_are_retried_until_the_server_is_up(store_url: str) -> None:
    # The server's first start in a process imports torch (seconds); do that before the
    # clock starts, so the retries only have to outlast the 0.8 s delay.
    from sibyl_server.app import build_server  # noqa: F401

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started: list[ServerThread] = []
    starter = threading.Timer(
        0.8, lambda: started.append(ServerThread(store_url, address=f"127.0.0.1:{port}"))
    )
    starter.start()
    try:
        with sibyl.connect(f"127.0.0.1:{port}", team="retry-team") as client:
            began = time.monotonic()
            assert list(client.list_studies()) == []
            assert time.monotonic() - began >= 0.5, "the first attempts failed and were retried"
    finally:
        starter.join()
        for running in started:
            running.stop()


def test_a_token_that_is_no_header_text_is_refused_at_connect(server: ServerThread) -> None:
    for token in ("sécret", "line\nbreak"):
        with pytest.raises(ValueError, match="token must be printable ASCII"):
            sibyl.connect(server.address, token=token)


def test_the_cli_refuses_such_a_token_in_one_line(
    server: ServerThread, capsys: pytest.CaptureFixture[str]
) -> None:
    from sibyl.cli import main

    assert main(["--address", server.address, "--token", "sécret", "studies"]) == 2
    assert capsys.readouterr().err == (
        "sibyl: token must be printable ASCII (a secret as `sibyl admin` prints it)\n"
    )


def test_a_closed_client_says_so(server: ServerThread) -> None:
    with sibyl.connect(server.address) as client:
        client.team()
    with pytest.raises(RuntimeError, match="the client was closed"):
        client.team()
