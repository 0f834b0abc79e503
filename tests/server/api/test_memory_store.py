"""`--store memory://`: a whole server on the in-memory backend, through gRPC."""

from __future__ import annotations

import sibyl
from tests.support.servers import ServerThread


def test_a_server_on_the_memory_store_runs_a_study() -> None:
    server = ServerThread("memory://")
    try:
        client = sibyl.connect(server.address, team="acme")
        spec = sibyl.StudySpec(
            parameters=[sibyl.Double("x", 0.0, 1.0)],
            metrics=[sibyl.Metric("loss", goal="minimize")],
            max_trials=3,
        )
        study = client.create_study("memory", spec)
        while trials := study.suggest():
            for trial in trials:
                trial.complete({"loss": (trial.parameters["x"] - 0.3) ** 2})
        assert [t.state for t in study.trials()] == ["COMPLETED"] * 3
        assert study.state == "COMPLETED"
    finally:
        server.stop()
