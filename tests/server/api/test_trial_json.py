"""trial_json writes the JSON that message_to_json writes of the same trials' messages."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from sibyl.v1 import study_service_pb2, trial_pb2
from sibyl_server.api.convert import trial_to_proto
from sibyl_server.api.http.proto_json import message_to_json
from sibyl_server.api.trial_json import trials_page_text
from sibyl_server.domain.names import StudyName
from sibyl_server.domain.trial import Measurement, Trial, TrialState

STUDY = StudyName("team-a", "study-b")
DOUBLES = (0.0, -0.0, 1.5, 1e-320, -2.25e300, 0.1, float("nan"), float("inf"), float("-inf"))
TIMES = (0.0, 1.0, 1_700_000_000.123, 1_700_000_000.000456, 1_700_000_000.9999996, -5.25)


def random_trial(rng: random.Random, number: int) -> Trial:
    """A trial with a random subset of its fields set, values of every kind."""

    def maybe(value: Any, default: Any = None) -> Any:
        return value if rng.random() < 0.6 else default

    state = rng.choice(list(TrialState))
    return Trial(
        number=number,
        parameters={
            name: rng.choice((rng.choice(DOUBLES), rng.randint(-(2**62), 2**62), "ünï ✓", ""))
            for name in rng.sample(["lr", "layers", "opt", "x y"], rng.randint(0, 4))
        },
        state=state,
        client_id=maybe("worker-1", ""),
        lease_expire_time=maybe(rng.choice(TIMES)),
        measurements=tuple(random_measurement(rng, step) for step in range(rng.randint(0, 3))),
        final_measurement=maybe(random_measurement(rng, 0)),
        infeasibility_reason=maybe('"quoted" \\ reason\n', ""),
        metadata=maybe({"algorithm": "GP_BANDIT", "": "x"}, {}),
        create_time=rng.choice(TIMES),
        start_time=maybe(rng.choice(TIMES)),
        complete_time=maybe(rng.choice(TIMES)),
    )


def random_measurement(rng: random.Random, step: int) -> Measurement:
    metrics = {
        name: rng.choice((*DOUBLES, 3)) for name in rng.sample(["loss", "acc"], rng.randint(0, 2))
    }
    return Measurement(metrics, step, rng.choice((0.0, 2.5, 7)))


def message_path(trials: list[Trial], token: str) -> Any:
    response = study_service_pb2.ListTrialsResponse(
        trials=[trial_to_proto(STUDY, t) for t in trials], next_page_token=token
    )
    return json.loads(message_to_json(response))


@pytest.mark.parametrize("seed", range(40))
def test_a_page_is_the_json_of_its_message(seed: int) -> None:
    rng = random.Random(seed)
    trials = [random_trial(rng, n) for n in range(1, rng.randint(0, 6) + 1)]
    token = rng.choice(("", "next-page"))
    written = json.loads(trials_page_text(STUDY, trials, token).text)
    assert written == message_path(trials, token)


def test_every_field_of_a_trial_is_written() -> None:
    # A field added to the Trial message (and to convert.trial_to_proto) must be added
    # here too, or HTTP listings would silently leave it out.
    full = Trial(
        number=7,
        parameters={"lr": 0.1, "layers": 3, "opt": "adam"},
        state=TrialState.ACTIVE,
        client_id="w",
        lease_expire_time=30.0,
        measurements=(Measurement({"loss": 0.5}, 1, 2.0),),
        final_measurement=Measurement({"loss": 0.4}, 2, 3.0),
        infeasibility_reason="oom",
        metadata={"k": "v"},
        create_time=1.0,
        start_time=2.0,
        complete_time=3.0,
    )
    [written] = json.loads(trials_page_text(STUDY, [full], "").text)["trials"]
    assert set(written) == {f.json_name for f in trial_pb2.Trial.DESCRIPTOR.fields}
    assert written == message_path([full], "")["trials"][0]
    assert set(written["measurements"][0]) == {
        f.json_name for f in trial_pb2.Measurement.DESCRIPTOR.fields
    }
