"""GP_BANDIT end to end: a real server (SQLite and PostgreSQL) and the Python client."""

from __future__ import annotations

import itertools

import sibyl
from tests.client.spaces import OPTIMIZER_WITH_MOMENTUM
from tests.support.servers import ServerThread

CLIENT_OPTIONS = {"team": "gp-client"}


def algorithms(study: sibyl.Study) -> list[str]:
    return [t.proto.metadata["sibyl.algorithm"] for t in study.trials()]


def test_the_default_algorithm_finds_a_known_optimum(client: sibyl.Client, unique_id: str) -> None:
    study = client.create_study(
        unique_id,
        sibyl.StudySpec(
            parameters=[sibyl.Double("x", -2.0, 2.0), sibyl.Double("y", -2.0, 2.0)],
            metrics=[sibyl.Metric("loss")],
            initial_trials=5,
            seed=3,
        ),
    )
    for _ in range(14):
        [trial] = study.suggest()
        x, y = trial.parameters["x"], trial.parameters["y"]
        trial.complete({"loss": (x - 0.5) ** 2 + (y + 1.0) ** 2})
    assert algorithms(study) == ["QUASI_RANDOM_SEARCH"] * 5 + ["GP_BANDIT"] * 9
    best = study.best_trial()
    assert best is not None and best.metrics["loss"] < 0.01


def test_parallel_workers_get_distinct_points_from_the_model(
    client: sibyl.Client, unique_id: str
) -> None:
    study = client.create_study(
        unique_id,
        {
            "parameters": {"x": {"type": "double", "low": 0, "high": 1}},
            "metrics": {"loss": "minimize"},
            "initial_trials": 4,
            "seed": 1,
        },
    )
    for trial in study.suggest(count=4, client_id="warm-up"):
        trial.complete({"loss": (trial.parameters["x"] - 0.3) ** 2})
    held = [study.suggest(client_id=f"worker-{i}")[0] for i in range(3)]
    assert [t.proto.metadata["sibyl.algorithm"] for t in held] == ["GP_BANDIT"] * 3
    points = sorted(t.parameters["x"] for t in held)
    # Held trials are believed at the model's mean (capped at the best trial), so the
    # workers refine the optimum at 0.3 together: close, yet each a point of its own.
    assert min(b - a for a, b in itertools.pairwise(points)) > 1e-4
    assert all(abs(x - 0.3) < 0.1 for x in points)


def test_several_objectives_a_constraint_and_conditional_parameters(
    client: sibyl.Client, unique_id: str
) -> None:
    spec = sibyl.StudySpec(
        parameters=[
            *OPTIMIZER_WITH_MOMENTUM,
            sibyl.Double("lr", 1e-4, 1e-1, scale="log"),
            sibyl.Integer("layers", 1, 4),
        ],
        metrics=[
            sibyl.Metric("accuracy", goal="maximize"),
            sibyl.Metric("latency_ms", goal="minimize"),
            sibyl.Constraint("memory_gb", at_most=3.0),
        ],
        initial_trials=8,
        seed=2,
    )
    study = client.create_study(unique_id, spec)
    for _ in range(12):
        [trial] = study.suggest()
        p = trial.parameters
        assert ("momentum" in p) == (p["optimizer"] == "sgd")
        bonus = 0.1 * p.get("momentum", 0.5)
        trial.complete(
            {
                "accuracy": 0.5 + 0.1 * p["layers"] + bonus - abs(p["lr"] - 0.01),
                "latency_ms": 10.0 * p["layers"],
                "memory_gb": float(p["layers"]),
            }
        )
    assert algorithms(study)[8:] == ["GP_BANDIT"] * 4
    front = study.optimal_trials()
    assert front.trials and all(t.metrics["memory_gb"] <= 3.0 for t in front.trials)


def refine_until_a_restart(
    client: sibyl.Client, study_id: str, stall_restarts: bool | None = None
) -> sibyl.Study:
    """A study refining x = 0.3, whose loss ignores z (so its GP comes to ignore z, as
    restarts ask), run for 40 trials or until a trial of a restart."""
    study = client.create_study(
        study_id,
        sibyl.StudySpec(
            parameters=[sibyl.Double("x", 0.0, 1.0), sibyl.Double("z", 0.0, 1.0)],
            metrics=[sibyl.Metric("loss")],
            initial_trials=4,
            seed=7,
            stall_restarts=stall_restarts,
        ),
    )
    for _ in range(40):
        [trial] = study.suggest()
        trial.complete({"loss": (trial.parameters["x"] - 0.3) ** 2})
        if "sibyl.restart" in trial.proto.metadata:
            break
    return study


def assert_restarted_once_after_stalling(study: sibyl.Study) -> None:
    trials = list(study.trials())
    produced_by = algorithms(study)
    restarted = [t for t in trials if "sibyl.restart" in t.proto.metadata]
    assert len(restarted) == 1, "the GP refining x = 0.3 never stalled"
    (first,) = restarted
    # The restart begins with its own Sobol design, after the design and 15 GP trials.
    assert first.proto.metadata == {"sibyl.algorithm": "QUASI_RANDOM_SEARCH", "sibyl.restart": "1"}
    assert first.id > 4 + 15
    assert produced_by[4 : first.id - 1] == ["GP_BANDIT"] * (first.id - 5)


def test_a_server_with_stall_restarts_restarts_a_study_whose_best_stopped_improving(
    store_url: str, unique_id: str
) -> None:
    server = ServerThread(store_url, device="cpu", stall_restarts=True)
    try:
        with sibyl.connect(server.address, **CLIENT_OPTIONS) as client:
            study = refine_until_a_restart(client, unique_id)
            assert study.proto.spec.stall_restarts, "the server's default, fixed at creation"
            assert_restarted_once_after_stalling(study)
            declined = refine_until_a_restart(client, unique_id + "-no", stall_restarts=False)
            assert not any("sibyl.restart" in t.proto.metadata for t in declined.trials())
    finally:
        server.stop()


def test_a_study_that_asks_for_restarts_restarts_on_a_server_without_them(
    client: sibyl.Client, unique_id: str
) -> None:
    study = refine_until_a_restart(client, unique_id, stall_restarts=True)
    assert_restarted_once_after_stalling(study)
