"""Fenced leases: once a trial's lease moved, its old holder's writes are refused."""

from __future__ import annotations

import time

from google.protobuf.duration_pb2 import Duration

from sibyl.v1 import study_service_pb2 as pb
from sibyl.v1 import trial_pb2
from sibyl.v1.study_service_pb2_grpc import StudyServiceStub
from tests.server.api.conftest import create_study, failure, suggest

LEASE_SECONDS = 1


def _taken_over(stub: StudyServiceStub, study_id: str) -> str:
    """A trial that "slow" held until its lease expired and "fast" took over."""
    study = create_study(stub, study_id, trial_lease=Duration(seconds=LEASE_SECONDS))
    [trial] = suggest(stub, study.name, client="slow").trials
    _measure(stub, trial.name, 1, 0.9, "slow")
    time.sleep(LEASE_SECONDS + 0.2)
    [taken] = suggest(stub, study.name, client="fast").trials
    assert taken.name == trial.name and taken.client_id == "fast"
    return trial.name


def _measure(
    stub: StudyServiceStub, trial: str, step: int, loss: float, client: str
) -> trial_pb2.Trial:
    request = pb.AddTrialMeasurementRequest(
        name=trial,
        measurement=trial_pb2.Measurement(metrics={"loss": loss}, step=step),
        client_id=client,
    )
    return stub.AddTrialMeasurement(request, timeout=30).trial


def _complete(client: str, trial: str, loss: float) -> pb.CompleteTrialRequest:
    return pb.CompleteTrialRequest(
        name=trial,
        final_measurement=trial_pb2.Measurement(metrics={"loss": loss}),
        client_id=client,
    )


def test_the_old_holder_is_refused_and_the_new_holder_keeps_a_clean_history(
    stub: StudyServiceStub, unique_id: str
) -> None:
    trial = _taken_over(stub, unique_id)
    _measure(stub, trial, 2, 0.5, "fast")
    late = pb.AddTrialMeasurementRequest(
        name=trial,
        measurement=trial_pb2.Measurement(metrics={"loss": 0.1}, step=3),
        client_id="slow",
    )
    refused = failure(stub.AddTrialMeasurement, late)
    assert refused.code.name == "FAILED_PRECONDITION" and refused.reason == "LEASE_LOST"
    refused = failure(stub.CompleteTrial, _complete("slow", trial, 0.1))
    assert refused.reason == "LEASE_LOST"
    _measure(stub, trial, 3, 0.4, "fast")
    done = stub.CompleteTrial(_complete("fast", trial, 0.4), timeout=30).trial
    assert done.state == trial_pb2.TRIAL_STATE_COMPLETED
    assert done.client_id == "fast"
    assert done.final_measurement.metrics["loss"] == 0.4
    # The slow worker's step 1 went with its lease: the curve is the new holder's.
    assert [(m.step, m.metrics["loss"]) for m in done.measurements] == [(2, 0.5), (3, 0.4)]
    refused = failure(stub.CompleteTrial, _complete("slow", trial, 0.4))
    assert refused.reason == "LEASE_LOST", "even with the same result, after the fact"


def test_the_old_holder_is_told_to_drop_the_trial_and_nothing_changes(
    stub: StudyServiceStub, unique_id: str
) -> None:
    trial = _taken_over(stub, unique_id)
    request = pb.CheckTrialEarlyStoppingRequest(name=trial, client_id="slow")
    answer = stub.CheckTrialEarlyStopping(request, timeout=30)
    assert answer.should_stop and answer.lease_lost
    assert answer.trial.state == trial_pb2.TRIAL_STATE_ACTIVE
    assert answer.trial.client_id == "fast"
    request = pb.CheckTrialEarlyStoppingRequest(name=trial, client_id="fast")
    answer = stub.CheckTrialEarlyStopping(request, timeout=30)
    assert not answer.should_stop and not answer.lease_lost


def test_an_expired_lease_nobody_took_over_still_belongs_to_its_worker(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id, trial_lease=Duration(seconds=LEASE_SECONDS))
    [trial] = suggest(stub, study.name, client="slow").trials
    time.sleep(LEASE_SECONDS + 0.2)
    renewed = _measure(stub, trial.name, 1, 0.5, "slow")
    assert renewed.lease_expire_time.ToMicroseconds() / 1e6 > time.time()
    [other] = suggest(stub, study.name, client="fast").trials
    assert other.name != trial.name, "the renewed lease keeps the trial with its worker"
    done = stub.CompleteTrial(_complete("slow", trial.name, 0.5), timeout=30).trial
    assert done.state == trial_pb2.TRIAL_STATE_COMPLETED


def test_callers_that_do_not_name_themselves_are_not_fenced(
    stub: StudyServiceStub, unique_id: str
) -> None:
    trial = _taken_over(stub, unique_id)
    request = pb.AddTrialMeasurementRequest(
        name=trial, measurement=trial_pb2.Measurement(metrics={"loss": 0.3}, step=2)
    )
    assert len(stub.AddTrialMeasurement(request, timeout=30).trial.measurements) == 1


def test_a_client_id_that_is_not_printable_is_invalid(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id)
    [trial] = suggest(stub, study.name).trials
    request = pb.AddTrialMeasurementRequest(
        name=trial.name,
        measurement=trial_pb2.Measurement(metrics={"loss": 0.3}, step=2),
        client_id="worker\n1",
    )
    error = failure(stub.AddTrialMeasurement, request)
    assert error.code.name == "INVALID_ARGUMENT" and error.field == "client_id"
