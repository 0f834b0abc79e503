"""A budget parameter through the contract: what is refused, and which budget each
suggested trial gets."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from sibyl.v1 import study_pb2, trial_pb2
from sibyl.v1 import study_service_pb2 as pb
from sibyl.v1.study_service_pb2_grpc import StudyServiceStub
from tests.server.api.conftest import categorical, complete, double, integer, suggest
from tests.server.api.test_prior_studies import create, prior, refused

FIELD = "study.spec.budget_parameter"
INVALID = grpc.StatusCode.INVALID_ARGUMENT
RUNG = "sibyl.budget_rung"


def budget(name: str = "epochs", factor: int = 0) -> study_pb2.BudgetParameter:
    return study_pb2.BudgetParameter(parameter=name, reduction_factor=factor)


def spec(**options: Any) -> study_pb2.StudySpec:
    """x in [0, 1] and epochs 1..27 (the budget), loss minimized."""
    return study_pb2.StudySpec(
        parameters=options.pop("parameters", [double("x", 0.0, 1.0), integer("epochs", 1, 27)]),
        metrics=options.pop("metrics", [study_pb2.MetricSpec(name="loss", goal=1)]),
        algorithm=options.pop("algorithm", study_pb2.ALGORITHM_RANDOM_SEARCH),
        budget_parameter=options.pop("budget_parameter", budget()),
        **options,
    )


def conditional(name: str, parent: str, *categories: str) -> study_pb2.ParameterSpec:
    parameter = double(name, 0.0, 1.0)
    parameter.condition.parent = parent
    parameter.condition.categories.values.extend(categories)
    return parameter


def test_a_study_reports_its_budget_parameter(stub: StudyServiceStub, unique_id: str) -> None:
    created = create(stub, unique_id, spec())
    assert created.spec.budget_parameter == budget("epochs", 3), "the default factor, filled"
    explicit = create(stub, unique_id + "-4", spec(budget_parameter=budget("epochs", 4)))
    assert explicit.spec.budget_parameter.reduction_factor == 4


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"budget_parameter": budget("nope")}, FIELD + ".parameter"),
        ({"budget_parameter": budget("")}, FIELD + ".parameter"),
        ({"budget_parameter": budget("epochs", 1)}, FIELD + ".reduction_factor"),
        ({"budget_parameter": budget("epochs", 11)}, FIELD + ".reduction_factor"),
        ({"budget_parameter": budget("epochs", -3)}, FIELD + ".reduction_factor"),
        (
            {"parameters": [double("x", 0, 1), categorical("epochs", ["1", "3"])]},
            FIELD + ".parameter",
        ),
        # 3 / 3 = 1 is below the domain's low end: one budget, nothing to choose.
        ({"parameters": [double("x", 0, 1), integer("epochs", 2, 3)]}, FIELD + ".parameter"),
        (
            {
                "parameters": [
                    categorical("kind", ["a", "b"]),
                    conditional("epochs", "kind", "a"),
                ],
            },
            FIELD + ".parameter",
        ),
        ({"parameters": [double("x", 0, 1), integer("epochs", 0, 27)]}, FIELD + ".parameter"),
        ({"parameters": [double("x", 0, 1), double("epochs", 0.0, 1.0)]}, FIELD + ".parameter"),
        ({"parameters": [double("x", 0, 1), double("epochs", -1.0, 1.0)]}, FIELD + ".parameter"),
        (
            {
                "metrics": [
                    study_pb2.MetricSpec(name="loss", goal=1),
                    study_pb2.MetricSpec(name="cost", goal=1),
                ]
            },
            FIELD,
        ),
        ({"fidelity": study_pb2.Fidelity(max_step=9)}, FIELD),
        ({"algorithm": study_pb2.ALGORITHM_GRID_SEARCH}, FIELD),
    ],
)
def test_what_a_budget_parameter_may_not_be(
    stub: StudyServiceStub, unique_id: str, options: dict, field: str
) -> None:
    error = refused(stub, unique_id, spec(**options))
    assert (error.code, error.field) == (INVALID, field)
    create(stub, unique_id, spec())  # nothing was written: the id is still free


def test_a_budget_parameter_that_a_condition_refers_to_is_refused(
    stub: StudyServiceStub, unique_id: str
) -> None:
    parent = integer("epochs", 1, 27)
    child = double("momentum", 0.0, 1.0)
    child.condition.parent = "epochs"
    child.condition.range.min_value = 9
    error = refused(stub, unique_id, spec(parameters=[double("x", 0, 1), parent, child]))
    assert (error.code, error.field) == (INVALID, FIELD + ".parameter")
    assert "condition" in error.message
    create(stub, unique_id, spec())  # nothing was written: the id is still free


def test_the_best_trial_that_meets_the_constraints_is_promoted(
    stub: StudyServiceStub, unique_id: str
) -> None:
    memory = study_pb2.MetricSpec(name="memory")
    memory.constraint.upper_bound = 8.0
    study = create(
        stub, unique_id, spec(metrics=[study_pb2.MetricSpec(name="loss", goal=1), memory])
    )
    first = suggest(stub, study.name, count=3).trials
    for trial, (loss, gigabytes) in zip(first, [(0.1, 16.0), (0.4, 4.0), (0.7, 4.0)], strict=True):
        request = pb.CompleteTrialRequest(
            name=trial.name,
            final_measurement=trial_pb2.Measurement(metrics={"loss": loss, "memory": gigabytes}),
        )
        stub.CompleteTrial(request, timeout=30)
    [after] = suggest(stub, study.name).trials
    assert (after.parameters["epochs"].int_value, after.metadata[RUNG]) == (3, "1")
    assert after.parameters["x"] == first[1].parameters["x"], "not the lowest loss: 16 GB"


def test_new_configurations_start_small_and_the_best_third_runs_longer(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create(stub, unique_id, spec())
    first = suggest(stub, study.name, count=3).trials
    assert [t.parameters["epochs"].int_value for t in first] == [1, 1, 1]
    assert [t.metadata[RUNG] for t in first] == ["0", "0", "0"]
    for trial, loss in zip(first, (0.4, 0.1, 0.7), strict=True):
        complete(stub, trial.name, loss)
    [promoted] = suggest(stub, study.name).trials
    assert promoted.parameters["epochs"].int_value == 3
    assert promoted.parameters["x"] == first[1].parameters["x"], "the best of the three"
    assert promoted.metadata[RUNG] == "1"
    [fresh] = suggest(stub, study.name, client="worker-2").trials
    assert (fresh.parameters["epochs"].int_value, fresh.metadata[RUNG]) == (1, "0")


def test_gp_bandit_with_a_budget_parameter_suggests_at_the_schedules_budgets(
    stub: StudyServiceStub, unique_id: str
) -> None:
    study = create(
        stub,
        unique_id,
        spec(algorithm=study_pb2.ALGORITHM_GP_BANDIT, initial_trials=4, max_trials=12, seed=3),
    )
    spent = []
    for _ in range(12):
        [trial] = suggest(stub, study.name).trials
        x, epochs = trial.parameters["x"].double_value, trial.parameters["epochs"].int_value
        assert epochs in (1, 3, 9, 27)
        assert trial.metadata[RUNG] == str((1, 3, 9, 27).index(epochs))
        spent.append(epochs)
        complete(stub, trial.name, (x - 0.3) ** 2 + 1.0 / epochs)
    # Which configurations the GP picks varies with the machine's floating point; the
    # schedule does not: most trials at one epoch, and the best third moved up.
    assert spent.count(1) >= 6 and max(spent) >= 3


def test_a_budget_parameter_and_prior_studies_go_together(
    stub: StudyServiceStub, unique_id: str
) -> None:
    earlier = create(stub, unique_id + "-old", spec(algorithm=study_pb2.ALGORITHM_GP_BANDIT))
    created = create(
        stub,
        unique_id,
        spec(algorithm=study_pb2.ALGORITHM_GP_BANDIT, prior_studies=[prior(earlier.name)]),
    )
    assert created.spec.budget_parameter.parameter == "epochs"
