"""UpdateStudy, resuming an exhausted study, and the retry-safe CreateStudy and DeleteStudy."""

from __future__ import annotations

from google.protobuf.duration_pb2 import Duration
from google.protobuf.field_mask_pb2 import FieldMask

from sibyl.v1 import study_pb2
from sibyl.v1 import study_service_pb2 as pb
from sibyl.v1.study_service_pb2_grpc import StudyServiceStub
from tests.server.api.conftest import TEAM, complete, create_study, failure, make_spec, suggest


def _update(name: str, paths: list[str], **fields: object) -> pb.UpdateStudyRequest:
    study = study_pb2.Study(name=name)
    if "max_trials" in fields:
        study.spec.max_trials = int(fields["max_trials"])  # type: ignore[call-overload]
    if "lease" in fields:
        study.spec.trial_lease.CopyFrom(fields["lease"])  # type: ignore[arg-type]
    if "display_name" in fields:
        study.display_name = str(fields["display_name"])
    return pb.UpdateStudyRequest(study=study, update_mask=FieldMask(paths=paths))


def _use_budget(stub: StudyServiceStub, name: str, count: int) -> None:
    for trial in suggest(stub, name, count=count).trials:
        complete(stub, trial.name, 0.5)


def test_raising_max_trials_resumes_a_study_its_budget_completed(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id, max_trials=2)
    _use_budget(stub, study.name, 2)
    finished = stub.GetStudy(pb.GetStudyRequest(name=study.name), timeout=30).study
    assert finished.state == study_pb2.STUDY_STATE_COMPLETED
    updated = stub.UpdateStudy(_update(study.name, ["spec.max_trials"], max_trials=3)).study
    assert updated.state == study_pb2.STUDY_STATE_ACTIVE and updated.spec.max_trials == 3
    assert len(suggest(stub, study.name, count=5).trials) == 1, "one more trial, no more"


def test_resuming_an_exhausted_study_says_why_it_cannot(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id, max_trials=1)
    _use_budget(stub, study.name, 1)
    request = pb.UpdateStudyStateRequest(name=study.name, state=study_pb2.STUDY_STATE_ACTIVE)
    error = failure(stub.UpdateStudyState, request)
    assert error.code.name == "FAILED_PRECONDITION" and error.reason == "STUDY_EXHAUSTED"
    assert "max_trials" in error.message
    stub.UpdateStudy(_update(study.name, ["spec.max_trials"], max_trials=0))
    resumed = stub.GetStudy(pb.GetStudyRequest(name=study.name), timeout=30).study
    assert resumed.state == study_pb2.STUDY_STATE_ACTIVE, "no budget: it suggests again"


def test_max_trials_cannot_go_below_the_trials_a_study_has(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id, max_trials=5)
    _use_budget(stub, study.name, 3)
    error = failure(stub.UpdateStudy, _update(study.name, ["spec.max_trials"], max_trials=2))
    assert error.reason == "MAX_TRIALS_BELOW_TRIAL_COUNT"
    unchanged = stub.GetStudy(pb.GetStudyRequest(name=study.name), timeout=30).study
    assert unchanged.spec.max_trials == 5
    exact = stub.UpdateStudy(_update(study.name, ["spec.max_trials"], max_trials=3)).study
    assert exact.state == study_pb2.STUDY_STATE_COMPLETED, "a budget met completes the study"


def test_lease_and_display_name_change_and_nothing_else_does(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id)
    request = _update(
        study.name,
        ["spec.trial_lease", "display_name"],
        lease=Duration(seconds=90),
        display_name="renamed",
    )
    request.study.spec.max_trials = 7  # not in the mask: ignored
    updated = stub.UpdateStudy(request, timeout=30).study
    assert updated.display_name == "renamed"
    request.study.spec.max_trials = -1  # not in the mask: ignored, even invalid
    assert stub.UpdateStudy(request, timeout=30).study.spec.max_trials == 0
    assert updated.spec.trial_lease.seconds == 90
    assert updated.spec.max_trials == 0
    error = failure(stub.UpdateStudy, _update(study.name, ["spec.parameters"]))
    assert error.code.name == "INVALID_ARGUMENT" and error.field == "update_mask.paths[0]"
    error = failure(stub.UpdateStudy, _update(study.name, []))
    assert error.field == "update_mask"
    short = _update(study.name, ["spec.trial_lease"], lease=Duration(nanos=1000))
    error = failure(stub.UpdateStudy, short)
    assert error.field == "study.spec.trial_lease"
    error = failure(stub.UpdateStudy, _update(f"{TEAM}/studies/missing-study", ["display_name"]))
    assert error.code.name == "NOT_FOUND"


def test_a_retried_create_study_returns_the_study_its_first_attempt_made(
    stub: StudyServiceStub, unique_id: str
) -> None:
    request = pb.CreateStudyRequest(
        parent=TEAM,
        study_id=unique_id,
        study=study_pb2.Study(spec=make_spec()),
        request_id="create-" + unique_id,
    )
    first = stub.CreateStudy(request, timeout=30).study
    again = stub.CreateStudy(request, timeout=30).study
    assert again.name == first.name and again.create_time == first.create_time
    request.request_id = "another-" + unique_id
    assert failure(stub.CreateStudy, request).code.name == "ALREADY_EXISTS"
    # The first request id, for another study: refused, not answered with the first study.
    request.request_id, request.study_id = "create-" + unique_id, unique_id + "-b"
    error = failure(stub.CreateStudy, request)
    assert (error.code.name, error.field) == ("INVALID_ARGUMENT", "request_id")
    assert "was used to create study" in error.message


def test_deleting_a_missing_study_is_allowed_when_asked(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create_study(stub, unique_id)
    stub.DeleteStudy(pb.DeleteStudyRequest(name=study.name), timeout=30)
    missing = pb.DeleteStudyRequest(name=study.name)
    assert failure(stub.DeleteStudy, missing).code.name == "NOT_FOUND"
    stub.DeleteStudy(pb.DeleteStudyRequest(name=study.name, allow_missing=True), timeout=30)
