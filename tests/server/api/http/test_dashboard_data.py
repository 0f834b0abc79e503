"""The dashboard's data module (static/data.js), run by Node: what its exports write."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

import pytest

import sibyl
from sibyl_server.api.http.dashboard import STATIC_DIRECTORY
from tests.support.servers import ServerThread


def run_node(script: str, environment: dict[str, str] | None = None) -> Any:
    """What the ES module `script`, run by Node, prints: one JSON value."""
    if shutil.which("node") is None:
        if os.environ.get("SIBYL_REQUIRE_NODE") == "1":
            pytest.fail("Node.js is required (SIBYL_REQUIRE_NODE=1)")
        pytest.skip("Node.js is not installed")
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(environment or {})},
        check=True,
    )
    return json.loads(result.stdout)


def run_module(expression: str) -> Any:
    """`expression` evaluated by Node with data.js's exports in scope, as JSON."""
    module = (STATIC_DIRECTORY / "data.js").as_uri()
    return run_node(
        f"import * as data from {json.dumps(module)};console.log(JSON.stringify({expression}));"
    )


def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text() -> None:
    cells = ['=HYPERLINK("http://x")', "+1", "-cmd", "@SUM(A1)", "\tx", "plain", -0.5, 3, None]
    written = run_module(f"{json.dumps(cells)}.map(data.csvCell)")
    assert written == [
        '"\'=HYPERLINK(""http://x"")"',
        "'+1",
        "'-cmd",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        "-0.5",
        "3",
        "",
    ]


# The page's TrialSync in Node against the real JSON API: `fetch` resolves the page's
# relative URLs against the server, and holds the pending trials' listing until the
# finished trials' one has answered and trial 11 has been completed, the interleaving
# of the two concurrent listings in which a trial is in neither.
SYNC_SCRIPT = """
const base = process.env.BASE;
const held = [];
let finishedListed = false;
const realFetch = globalThis.fetch;
globalThis.sessionStorage = { getItem: () => null, setItem() {}, removeItem() {}, clear() {} };
globalThis.fetch = async (url, options) => {
  const body = JSON.parse(options.body);
  const listing = url.endsWith("/ListTrials") && window.race;
  if (listing && body.states.includes("TRIAL_STATE_ACTIVE") && !finishedListed) {
    await new Promise((resume) => held.push(resume));
  }
  const answer = await realFetch(new URL(url, base), options);
  if (listing && body.states.includes("TRIAL_STATE_COMPLETED")) {
    finishedListed = true;
    window.race = false;
    await (await import(api)).call("CompleteTrial", { name: `${study}/trials/11`,
      finalMeasurement: { metrics: { loss: 11 } } });
    held.forEach((resume) => resume());
  }
  return answer;
};
globalThis.window = { race: false };
const api = process.env.API, study = process.env.STUDY;
const { call } = await import(api);
const { TrialSync } = await import(process.env.SYNC);
const sync = new TrialSync(study);
await sync.refresh();
await sync.refresh();
const { trials } = await call("SuggestTrials", { parent: study, count: 3, clientId: "w" });
for (const id of ["12", "13"]) {
  await call("CompleteTrial", { name: `${study}/trials/${id}`,
    finalMeasurement: { metrics: { loss: Number(id) } } });
}
window.race = true;
await sync.refresh();
await sync.refresh();
console.log(JSON.stringify({
  suggested: trials.map((t) => t.id),
  known: sync.all().map((t) => [t.id, t.state]),
}));
"""


def test_a_trial_new_and_finished_between_the_two_listings_is_still_read(
    http_server: ServerThread, unique_id: str
) -> None:
    spec = sibyl.StudySpec(
        parameters=[sibyl.Double("x", 0, 1)],
        metrics=[sibyl.Metric("loss")],
        algorithm="random_search",
    )
    with sibyl.connect(http_server.address) as client:
        study = client.create_study(unique_id, spec)
        for trial in study.suggest(count=10, client_id="w"):
            trial.complete({"loss": float(trial.id)})
    environment = {
        "BASE": f"http://127.0.0.1:{http_server.running.http_port}/dashboard/",
        "API": (STATIC_DIRECTORY / "api.js").as_uri(),
        "SYNC": (STATIC_DIRECTORY / "sync.js").as_uri(),
        "STUDY": study.name,
    }
    seen = run_node(SYNC_SCRIPT, environment)
    assert seen["suggested"] == ["11", "12", "13"]
    states = dict(seen["known"])
    assert sorted(states, key=int) == [str(i) for i in range(1, 14)]
    assert states["11"] == "TRIAL_STATE_COMPLETED"
