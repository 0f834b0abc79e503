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


def _finished_trials(
    server: ServerThread, study_id: str, count: int, steps: int = 0
) -> dict[str, str]:
    """A random-search study of `count` completed trials, each reporting `steps` values
    first; the environment of a Node script that syncs it (BASE, API, SYNC, STUDY)."""
    spec = sibyl.StudySpec(
        parameters=[sibyl.Double("x", 0, 1)],
        metrics=[sibyl.Metric("loss")],
        algorithm="random_search",
    )
    with sibyl.connect(server.address) as client:
        study = client.create_study(study_id, spec)
        for trial in study.suggest(count=count, client_id="w") if count else []:
            for step in range(steps):
                trial.report({"loss": float(step)}, step=step)
            trial.complete({"loss": float(trial.id)})
    return {
        "BASE": f"http://127.0.0.1:{server.running.http_port}/dashboard/",
        "API": (STATIC_DIRECTORY / "api.js").as_uri(),
        "SYNC": (STATIC_DIRECTORY / "sync.js").as_uri(),
        "STUDY": study.name,
    }


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
    environment = _finished_trials(http_server, unique_id, 10)
    seen = run_node(SYNC_SCRIPT, environment)
    assert seen["suggested"] == ["11", "12", "13"]
    states = dict(seen["known"])
    assert sorted(states, key=int) == [str(i) for i in range(1, 14)]
    assert states["11"] == "TRIAL_STATE_COMPLETED"


def run_static(module: str, expression: str) -> Any:
    """`expression` evaluated by Node with the exports of static/`module` as `m`, as JSON."""
    path = (STATIC_DIRECTORY / module).as_uri()
    return run_node(
        f"import * as m from {json.dumps(path)};console.log(JSON.stringify({expression}));"
    )


def test_numbers_keep_their_integer_digits() -> None:
    values = [12000.3, 12340.2, 10000.4, -50000.1, 1.25, 0.5, 100.0, 3, 123456.7, 2e-4]
    shown = run_static("html.js", f"{json.dumps(values)}.map(m.formatNumber)")
    expected = ["12000", "12340", "10000", "-50000", "1.25", "0.5", "100", "3"]
    assert shown == [*expected, "1.2346e+5", "2.0000e-4"]


def test_the_range_of_a_study_too_large_to_spread_into_arguments() -> None:
    # 200,000 values overflow the call stack as Math.min(...values) arguments.
    shown = run_static(
        "data.js", "[m.extent(Array.from({length: 200000}, (_, i) => i - 7)), m.extent([])]"
    )
    assert shown == [[-7, 199992], [0, 1]]


def test_the_trials_unread_below_the_highest_of_200000_seen() -> None:
    seen = "new Set(Array.from({length: 200000}, (_, i) => String(i + 1)).filter((i) => i !== '5'))"
    shown = run_static("sync.js", f"new m.TrialSync('s').unread({seen})")
    assert shown == ["5"]


# Refreshes of the page's TrialSync against the real JSON API, the second one failing
# on the pending trials' listing: the trials read in full must still arrive.
FAILING_SYNC_SCRIPT = """
const base = process.env.BASE;
const realFetch = globalThis.fetch;
let failing = false;
let finishedAnswers = 0;
let finishedRead; // resolved once the failing round's finished listing has been read
const afterFinishedRead = new Promise((resolve) => (finishedRead = resolve));
globalThis.sessionStorage = { getItem: () => null, setItem() {}, removeItem() {}, clear() {} };
globalThis.fetch = async (url, options) => {
  const body = JSON.parse(options.body);
  const listing = url.endsWith("/ListTrials");
  if (failing && listing && body.states.includes("TRIAL_STATE_ACTIVE")) {
    failing = false;
    await afterFinishedRead; // fails last, as a slow call would
    return new Response(JSON.stringify({ code: 14, message: "unavailable" }), { status: 503 });
  }
  const answer = await realFetch(new URL(url, base), options);
  // The second refresh reads the finished trials in two calls (a page, then one shorter).
  if (listing && body.states.includes("TRIAL_STATE_COMPLETED") && ++finishedAnswers === 3) {
    setTimeout(finishedRead, 200);
  }
  return answer;
};
const { TrialSync } = await import(process.env.SYNC);
const sync = new TrialSync(process.env.STUDY);
const outcomes = [];
for (const round of [1, 2, 3]) {
  failing = round === 2;
  try {
    await sync.refresh();
    outcomes.push("ok");
  } catch (error) {
    outcomes.push(error.message);
  }
}
console.log(JSON.stringify({
  outcomes,
  complete: sync.complete,
  steps: sync.all().map((t) => (t.measurements || []).length),
}));
"""


def test_a_refresh_that_fails_leaves_the_next_to_read_the_measurements(
    http_server: ServerThread, unique_id: str
) -> None:
    environment = _finished_trials(http_server, unique_id, 6, steps=3)
    seen = run_node(FAILING_SYNC_SCRIPT, environment)
    assert seen["outcomes"] == ["ok", "unavailable", "ok"]
    assert seen["complete"] is True
    assert seen["steps"] == [3] * 6


def test_the_last_activity_is_the_latest_time_not_the_last_text() -> None:
    # The API writes 0, 3, 6 or 9 digits of a second's fraction: as text, ":35Z" sorts
    # after ":35.5Z".
    times = ["", "2026-12-07T10:00:35.500Z", None, "2026-12-07T10:00:35Z"]
    assert run_static("studies.js", f"[m.latest({json.dumps(times)}), m.latest([])]") == [
        "2026-12-07T10:00:35.500Z",
        "",
    ]


SHARED_SYNC_SCRIPT = """
const base = process.env.BASE;
const realFetch = globalThis.fetch;
globalThis.sessionStorage = { getItem: () => null, setItem() {}, removeItem() {}, clear() {} };
globalThis.fetch = (url, options) => realFetch(new URL(url, base), options);
const { TrialSync } = await import(process.env.SYNC);
const sync = new TrialSync(process.env.STUDY);
const [first, second] = [sync.refresh(), sync.refresh()];
await Promise.all([first, second]);
console.log(JSON.stringify({ same: first === second, refreshes: sync.refreshes }));
"""


def test_a_refresh_asked_while_one_runs_is_that_one(
    http_server: ServerThread, unique_id: str
) -> None:
    """Two would both read from the same start, and count as the two reads that make
    the trials complete: the measurements were never read."""
    environment = _finished_trials(http_server, unique_id, 0)
    assert run_node(SHARED_SYNC_SCRIPT, environment) == {"same": True, "refreshes": 1}
