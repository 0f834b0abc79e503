"""The client rides out a server away for a while, fails clearly when there is none, and
never records the service's errors as a trial's result."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

import sibyl
from tests.support.servers import ServerThread

LEASE = 1.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _spec(**options: object) -> sibyl.StudySpec:
    return sibyl.StudySpec(
        parameters=[sibyl.Double("x", 0, 1)],
        metrics=[sibyl.Metric("loss")],
        algorithm="random_search",
        **options,  # type: ignore[arg-type]
    )


def test_a_worker_rides_out_a_server_restart(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'sibyl.db'}"
    address = f"127.0.0.1:{_free_port()}"
    servers = [ServerThread(store, address=address)]
    client = sibyl.connect(address)
    study = client.create_study("restarted", _spec(max_trials=6))
    [trial] = study.suggest()
    servers[0].stop()
    # Down for 2 s, longer than gRPC's own retries would ever wait.
    restart = threading.Timer(2.0, lambda: servers.append(ServerThread(store, address=address)))
    restart.start()
    try:
        trial.report({"loss": 0.5}, step=1)  # waits for the server, then succeeds
        trial.complete({"loss": 0.5})
        while trials := study.suggest():
            for trial in trials:
                with trial:
                    trial.complete({"loss": trial.parameters["x"]})
        assert [t.state for t in study.trials()] == ["COMPLETED"] * 6
    finally:
        restart.join()
        client.close()
        for server in servers[1:]:
            server.stop()


def test_an_address_with_no_server_fails_soon_and_names_it() -> None:
    address = f"127.0.0.1:{_free_port()}"
    retry = sibyl.RetryConfig(connect_window_seconds=0.5)
    with sibyl.connect(address, retry=retry) as client:
        began = time.monotonic()
        with pytest.raises(sibyl.UnavailableError) as raised:
            client.get_study("anything")
    assert time.monotonic() - began < 20
    message = str(raised.value)
    assert address in message and "sibyl serve" in message


def test_a_service_error_inside_a_trial_does_not_make_it_infeasible(
    server: ServerThread, unique_id: str
) -> None:
    with sibyl.connect(server.address) as client:
        study = client.create_study(unique_id, _spec())
        [trial] = study.suggest()
        with pytest.raises(sibyl.InvalidArgumentError), trial:
            trial.report({"loss": 1.0}, step=-1)  # steps are 0 or more
        assert study.get_trial(trial.id).state == "ACTIVE"
        with pytest.raises(ZeroDivisionError), trial:
            raise ZeroDivisionError("the configuration's own failure")
        assert study.get_trial(trial.id).state == "INFEASIBLE"


def _taken_over(server: ServerThread, study_id: str) -> tuple[sibyl.Trial, sibyl.Study]:
    """A trial of "slow" whose lease expired and that "fast" took over."""
    slow = sibyl.connect(server.address, client_id="slow")
    fast = sibyl.connect(server.address, client_id="fast")
    study = slow.create_study(study_id, _spec(trial_lease_seconds=LEASE))
    [trial] = study.suggest()
    time.sleep(LEASE + 0.2)
    [again] = fast.get_study(study_id).suggest()
    assert again.id == trial.id
    return trial, fast.get_study(study_id)


def test_a_worker_whose_trial_moved_drops_it_and_carries_on(
    server: ServerThread, unique_id: str
) -> None:
    trial, study = _taken_over(server, unique_id)
    with trial:
        trial.report({"loss": 0.9}, step=1)
        raise AssertionError("report raises LeaseLostError, which the block swallows")
    assert trial.lease_lost and trial.should_stop()
    with pytest.raises(sibyl.LeaseLostError):
        trial.complete({"loss": 0.9})
    stored = study.get_trial(trial.id)
    assert stored.state == "ACTIVE" and stored.proto.client_id == "fast"
    assert list(stored.proto.measurements) == []


def test_optimize_drops_a_trial_that_moved_and_raises_service_errors(
    server: ServerThread, unique_id: str
) -> None:
    trial, study = _taken_over(server, unique_id)
    mine = sibyl.connect(server.address, client_id="slow").get_study(unique_id)
    # The slow worker's own trial went to "fast"; the next one is new.
    seen: list[int] = []

    def objective(t: sibyl.Trial) -> float:
        seen.append(t.id)
        if t.id == trial.id:
            raise AssertionError("a lost trial is never handed back")
        return 0.5

    result = sibyl.optimize(objective, mine, n_trials=2, progress=None)
    assert [t.state for t in result.trials] == ["COMPLETED", "COMPLETED"]

    def misreports(t: sibyl.Trial) -> float:
        t.report({"loss": 1.0}, step=-1)
        return 0.5

    with pytest.raises(sibyl.InvalidArgumentError):
        sibyl.optimize(misreports, mine, n_trials=1, progress=None)
    assert not [t for t in study.trials() if t.state == "INFEASIBLE"]


@pytest.mark.parametrize("fails", [False, True], ids=["returns", "raises-a-caught-error"])
def test_optimize_drops_a_trial_lost_while_the_objective_ran(
    server: ServerThread, unique_id: str, fails: bool
) -> None:
    client = sibyl.connect(server.address, client_id="slow")
    study = client.create_study(unique_id, _spec(trial_lease_seconds=LEASE))
    thief = sibyl.connect(server.address, client_id="fast").get_study(unique_id)
    stolen: list[int] = []

    def objective(t: sibyl.Trial) -> float:
        if not stolen:
            time.sleep(LEASE + 0.2)
            [taken] = thief.suggest()
            stolen.append(taken.id)
            assert taken.id == t.id
            if fails:  # caught: it would make the trial infeasible, which the server refuses
                raise ValueError("diverged")
            assert t.should_stop(), "the lost lease tells the worker to stop"
        return 0.5

    result = sibyl.optimize(objective, study, n_trials=2, catch=(ValueError,), progress=None)
    assert [t.state for t in result.trials] == ["COMPLETED"]
    assert stolen and stolen[0] not in [t.id for t in result.trials]
    assert study.get_trial(stolen[0]).state == "ACTIVE", "the thief still holds it"


def test_a_worker_resumed_after_a_restart_skips_the_steps_it_recorded(
    server: ServerThread, unique_id: str
) -> None:
    study = sibyl.connect(server.address, client_id="restarted").create_study(unique_id, _spec())
    [first] = study.suggest()
    for step in range(3):
        first.report({"loss": 1.0 - step / 10}, step=step)
    [again] = study.suggest()  # the worker, restarted, gets its trial back
    handed_out = again.proto.lease_expire_time.ToNanoseconds()
    time.sleep(0.1)
    with pytest.warns(UserWarning, match="reports of those steps are skipped"):
        again.report({"loss": 0.7}, step=0)
    assert again.proto.lease_expire_time.ToNanoseconds() > handed_out, "a skip renews the lease"

    def objective(trial: sibyl.Trial) -> None:  # training starts over from epoch 0
        for step in range(4):
            trial.report({"loss": 0.5 - step / 10}, step=step)

    with pytest.warns(UserWarning, match="steps up to 2 recorded") as warned:
        result = sibyl.optimize(objective, study, n_trials=1, progress=None)

    assert len(warned) == 1, "one warning per trial"
    [trial] = result.trials
    assert trial.id == first.id and trial.state == "COMPLETED"
    stored = study.get_trial(first.id)
    curve = [(m.step, round(m.metrics["loss"], 6)) for m in stored.proto.measurements]
    assert curve == [(0, 1.0), (1, 0.9), (2, 0.8), (3, 0.2)]
    assert stored.metrics == {"loss": pytest.approx(0.2)}
