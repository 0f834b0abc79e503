"""The dashboard in headless Chromium, against a real server with tokens and a running study.

Skipped (with the reason) where Debian's chromium and chromium-driver are missing,
unless SIBYL_REQUIRE_BROWSER=1 (set in CI), which makes that a failure instead.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import sibyl
from benchmarks.browser import console_errors, headless_chromium, wait_for
from sibyl_server.domain.team import TeamQuotas
from sibyl_server.service.teams import TeamUseCases
from sibyl_server.store import open_store
from tests.support.browser import require_browser
from tests.support.servers import ServerThread

SPEC = sibyl.StudySpec(
    parameters=[
        sibyl.Double("lr", 1e-4, 1e-1, scale="log"),
        sibyl.Integer("layers", 1, 6),
        sibyl.Categorical("optimizer", ["sgd", "adam"]),
        sibyl.Double("momentum", 0.0, 0.99, when=sibyl.When("optimizer", ["sgd"])),
    ],
    metrics=[
        sibyl.Metric("loss", goal="minimize"),
        sibyl.Metric("latency_ms", goal="minimize"),
        sibyl.Constraint("memory_gb", at_most=6),
    ],
    algorithm="quasi_random_search",
)
FINISHED = 12


@dataclass
class Dashboard:
    """A browser on the dashboard of a server whose team runs one study."""

    driver: Any
    base: str
    team: str
    secret: str
    study: sibyl.Study
    downloads: Path
    running: sibyl.Trial
    """The ACTIVE trial another worker holds."""

    def body(self, key: str) -> str:
        return str(self.driver.execute_script(f"return document.body.dataset.{key} || ''"))

    def open_study(self, study_id: str = "") -> None:
        study_id = study_id or self.study.study_id
        self.driver.get(f"{self.base}/dashboard/?refresh=1#/studies/{study_id}")
        wait_for(lambda: self.body("page") == "study" and self.body("ready") == "1", what="plots")

    def chart(self, element_id: str) -> dict[str, str]:
        script = "return Object.assign({}, document.getElementById(arguments[0]).dataset)"
        return dict(self.driver.execute_script(script, element_id))


def _loss(parameters: dict[str, Any], step: int) -> float:
    return float(parameters["layers"]) * 0.1 + parameters["lr"] * 10 + 1.0 / (step + 1)


def _run_one(study: sibyl.Study, stop_at: int | None) -> None:
    """One trial as a worker runs it: reports per step, maybe stopped early, then completed."""
    [trial] = study.suggest()
    p = trial.parameters
    for step in range(4):
        trial.report({"loss": _loss(p, step)}, step=step)
        if step == stop_at:
            trial.stop()  # as an early-stopping rule would: the step is recorded
            break
    trial.complete(
        {"loss": _loss(p, 3), "latency_ms": 10.0 * p["layers"], "memory_gb": 1.5 * p["layers"]}
    )


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    require_browser()
    directory = tmp_path_factory.mktemp("dashboard-browser")
    url = f"sqlite:///{directory / 'sibyl.db'}"
    server = ServerThread(url, auth="token", http_address="127.0.0.1:0", device="cpu")
    store = open_store(url, pool_size=1)  # the operator's part: a team and its first token
    team = "web-" + uuid.uuid4().hex[:6]
    _, secret = TeamUseCases(store, time.time).create_team(team, TeamQuotas())
    store.close()
    client = sibyl.connect(server.address, team=team, token=secret)
    other = sibyl.connect(server.address, team=team, token=secret, client_id="other")
    downloads = directory / "downloads"
    downloads.mkdir()
    driver = headless_chromium(downloads)
    try:
        study = client.create_or_load_study("tuning", SPEC)
        for number in range(FINISHED):
            _run_one(study, stop_at=1 if number % 4 == 3 else None)
        # The study is running: another worker holds one ACTIVE trial.
        [running] = other.get_study("tuning").suggest()
        running.report({"loss": 0.9}, step=0)
        base = f"http://127.0.0.1:{server.running.http_port}"
        yield Dashboard(driver, base, team, secret, study, downloads, running)
    finally:
        driver.quit()
        client.close()
        other.close()
        server.stop()


def _page_errors(driver: Any) -> list[str]:
    # The first call without a token is refused (401): that is how the page learns it
    # must ask for one; the browser logs it as a failed load, not as an error of the page.
    return [e for e in console_errors(driver) if "status of 401" not in e]


def _sign_in(d: Dashboard, fragment: str = "", page: str = "studies") -> None:
    """Signs in from a new tab opened at `fragment` (a page's link); `page` opens."""
    from selenium.webdriver.common.by import By

    d.driver.get(f"{d.base}/dashboard/?refresh=1")
    d.driver.execute_script("sessionStorage.clear()")  # signed out, as in a new tab
    d.driver.get(f"{d.base}/dashboard/?refresh=1{fragment}")
    d.driver.refresh()
    wait_for(lambda: d.body("page") == "signin", what="the sign-in form")
    team = d.driver.find_element(By.NAME, "team")
    team.clear()
    team.send_keys(d.team)
    d.driver.find_element(By.NAME, "token").send_keys(d.secret)
    d.driver.find_element(By.CSS_SELECTOR, "#signin button").click()
    wait_for(lambda: d.body("page") == page and d.body("ready") == "1", what=page)


def test_sign_in_keeps_the_token_in_the_session_only(dashboard: Dashboard) -> None:
    _sign_in(dashboard)
    driver = dashboard.driver
    stored = driver.execute_script("return sessionStorage.getItem('sibyl.token')")
    assert stored == dashboard.secret
    assert dashboard.secret not in driver.current_url
    assert driver.execute_script("return localStorage.length") == 0
    assert _page_errors(driver) == []


def test_the_studies_list_shows_the_running_study(dashboard: Dashboard) -> None:
    _sign_in(dashboard)
    script = "return document.querySelector(\"tr[data-study='tuning']\").innerText"
    text = dashboard.driver.execute_script(script)
    assert "active" in text and "quasi random search" in text
    assert f"{FINISHED} completed" in text and "1 active" in text
    assert "Pareto front" in text  # two objectives: the front's size, not one best value


def _expected_counts(study: sibyl.Study) -> dict[str, int]:
    trials = list(study.trials())
    completed = [t for t in trials if t.state == "COMPLETED"]
    sgd = [t for t in completed if t.parameters["optimizer"] == "sgd"]
    infeasible = [t for t in completed if t.metrics["memory_gb"] > 6]
    stopped = [t for t in trials if "sibyl.stop_reason" in t.metadata]
    return {
        "completed": len(completed),
        "sgd": len(sgd),
        "infeasible": len(infeasible),
        "stopped": len(stopped),
        "curves": len([t for t in trials if t.proto.measurements]),
        "all": len(trials),
    }


def test_each_plot_draws_every_trial_it_should(dashboard: Dashboard) -> None:
    _sign_in(dashboard)
    dashboard.open_study()
    expected = _expected_counts(dashboard.study)
    assert expected["stopped"] >= 2 and expected["sgd"] >= 1
    d = dashboard
    assert d.chart("history-0")["points"] == str(expected["completed"])
    assert d.chart("history-1")["points"] == str(expected["completed"])
    assert d.chart("parallel")["points"] == str(expected["completed"])
    # The conditional parameter's slice has only the trials in which it exists.
    slices = {d.chart(f"slice-{i}")["parameter"]: d.chart(f"slice-{i}")["points"] for i in range(4)}
    assert slices == {
        "lr": str(expected["completed"]),
        "layers": str(expected["completed"]),
        "optimizer": str(expected["completed"]),
        "momentum": str(expected["sgd"]),
    }
    assert d.chart("contour")["points"] == str(expected["completed"])
    pareto = d.chart("pareto")
    assert pareto["points"] == str(expected["completed"])
    assert pareto["infeasible"] == str(expected["infeasible"])
    # The page's front is the server's (ListOptimalTrials), computed apart.
    assert pareto["front"] == str(len(d.study.optimal_trials().trials))
    curves = d.chart("curves")
    assert curves["points"] == str(expected["curves"])
    assert curves["stops"] == str(expected["stopped"])  # early-stopped trials, marked
    wait_for(lambda: d.chart("importance").get("points") == "4", what="parameter importance")
    assert _page_errors(d.driver) == []


def test_a_study_with_a_prior_shows_it_and_the_newest_weights(dashboard: Dashboard) -> None:
    spec = sibyl.StudySpec(
        SPEC.parameters[:2], [sibyl.Metric("loss")], prior_studies=[dashboard.study.name]
    )
    study = dashboard.study.client.create_or_load_study("with-prior", spec)
    for count in (2, 1):  # the initial design, then the GP's
        for trial in study.suggest(count=count):
            trial.complete({"loss": _loss(trial.parameters, 3)})
    weights = json.loads(trial.metadata["sibyl.prior_weights"])
    _sign_in(dashboard)
    dashboard.open_study("with-prior")
    text = dashboard.driver.execute_script("return document.getElementById('spec').innerText")
    assert dashboard.study.name in text
    shown = re.search(rf"trial {trial.id}: tuning ([0-9.]+)", text)
    assert shown, text
    assert float(shown.group(1)) == pytest.approx(weights[dashboard.study.name], abs=0.005)


def test_a_study_shows_its_budget_parameter_and_restarts(dashboard: Dashboard) -> None:
    client = dashboard.study.client
    epochs = sibyl.Integer("epochs", 1, 27)
    budgeted = sibyl.StudySpec(
        [*SPEC.parameters[:2], epochs], [sibyl.Metric("loss")], budget_parameter="epochs"
    )
    client.create_or_load_study("with-budget", budgeted)
    restarting = sibyl.StudySpec(SPEC.parameters[:2], [sibyl.Metric("loss")], stall_restarts=True)
    client.create_or_load_study("with-restarts", restarting)
    _sign_in(dashboard)
    shown = {}
    for study_id in ("with-budget", "with-restarts"):
        dashboard.open_study(study_id)
        script = "return document.getElementById('spec').innerText"
        shown[study_id] = dashboard.driver.execute_script(script)
    assert "epochs (reduction factor 3)" in shown["with-budget"]
    assert "when it stalls" not in shown["with-budget"]
    assert "when it stalls" in shown["with-restarts"]
    assert "reduction factor" not in shown["with-restarts"]


def _column(d: Dashboard, key: str) -> list[str]:
    script = """
        const table = document.getElementById('trials');
        const index = [...table.tHead.rows[0].cells].findIndex(c => c.dataset.key === arguments[0]);
        return [...table.tBodies[0].rows].map(r => r.cells[index].textContent);
    """
    return list(d.driver.execute_script(script, key))


def test_the_trial_table_sorts_and_filters(dashboard: Dashboard) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _sign_in(dashboard)
    dashboard.open_study()
    driver = dashboard.driver
    sort_by_loss = "document.querySelector(\"#trials th[data-key='metrics_loss']\").click()"
    driver.execute_script(sort_by_loss)
    losses = [float(v) for v in _column(dashboard, "metrics_loss") if v]
    assert len(losses) == FINISHED and losses == sorted(losses)
    driver.execute_script(sort_by_loss)
    assert [float(v) for v in _column(dashboard, "metrics_loss") if v] == sorted(losses)[::-1]
    Select(driver.find_element(By.ID, "trial-state")).select_by_visible_text("ACTIVE")
    assert _column(dashboard, "state") == ["active"]
    Select(driver.find_element(By.ID, "trial-state")).select_by_visible_text("every state")
    driver.find_element(By.ID, "trial-search").send_keys("optimizer=sgd")
    sgd = [t for t in dashboard.study.trials() if t.parameters["optimizer"] == "sgd"]
    assert sorted(int(i) for i in _column(dashboard, "id")) == sorted(t.id for t in sgd)


def test_the_csv_download_holds_what_list_trials_returns(dashboard: Dashboard) -> None:
    from selenium.webdriver.common.by import By

    _sign_in(dashboard)
    dashboard.open_study()
    dashboard.driver.find_element(By.ID, "download-csv").click()
    path = dashboard.downloads / "tuning-trials.csv"
    wait_for(lambda: path.exists() and path.stat().st_size > 0, what="the CSV download")
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    trials = {t.id: t for t in dashboard.study.trials()}
    assert sorted(int(r["id"]) for r in rows) == sorted(trials)
    for row in rows:
        trial = trials[int(row["id"])]
        assert row["state"] == trial.state
        assert row["params_optimizer"] == trial.parameters["optimizer"]
        assert int(row["params_layers"]) == trial.parameters["layers"]
        assert _same(row["params_lr"], trial.parameters["lr"])
        # Absent where the conditional parameter is inactive, as in to_dataframe().
        assert _same(row["params_momentum"], trial.parameters.get("momentum"))
        for metric in ("loss", "latency_ms", "memory_gb"):
            assert _same(row[f"metrics_{metric}"], trial.metrics.get(metric))


def _same(cell: str, value: float | None) -> bool:
    """A CSV cell holds `value`: empty for None, else the number."""
    return cell == "" if value is None else float(cell) == pytest.approx(value, rel=1e-12)


def test_a_new_trial_appears_without_a_reload(dashboard: Dashboard) -> None:
    _sign_in(dashboard)
    dashboard.open_study()
    driver = dashboard.driver
    driver.execute_script("window.sameDocument = true")
    before = int(dashboard.chart("history-0")["points"])
    _run_one(dashboard.study, stop_at=None)
    wait_for(
        lambda: dashboard.chart("history-0").get("points") == str(before + 1),
        timeout=15,
        what="the new trial on the history plot",
    )
    assert driver.execute_script("return window.sameDocument") is True
    rows = driver.execute_script("return document.getElementById('trials').dataset.rows")
    assert int(rows) == len(list(dashboard.study.trials()))


def test_a_trial_finishing_out_of_order_is_seen_finished(dashboard: Dashboard) -> None:
    """The pending trial with the lowest number completes after later ones finished."""
    # Two later trials finish first: the page then reads finished trials from after the
    # first of them, past the pending one.
    for _ in range(2):
        _run_one(dashboard.study, stop_at=None)
    _sign_in(dashboard)
    dashboard.open_study()
    row = f"#trials tr[data-trial='{dashboard.running.id}'] .state"
    state = f'return document.querySelector("{row}")?.textContent'
    assert dashboard.driver.execute_script(state) == "active"
    refreshes = int(dashboard.body("refreshes"))
    wait_for(lambda: int(dashboard.body("refreshes")) > refreshes, what="a refresh")
    dashboard.running.complete({"loss": 0.5, "latency_ms": 10.0, "memory_gb": 1.0})
    wait_for(
        lambda: dashboard.driver.execute_script(state) == "completed",
        timeout=15,
        what="the trial completed on the page",
    )


def test_a_hidden_tab_stops_polling_until_it_is_shown(dashboard: Dashboard) -> None:
    _sign_in(dashboard)  # the studies page, refreshed every second
    driver = dashboard.driver
    page = driver.current_window_handle
    driver.execute_script(
        "window.samples = [];"
        "setInterval(() => samples.push([document.hidden, sibyl.traffic.calls]), 250)"
    )
    driver.switch_to.new_window("tab")  # hides the dashboard's tab
    time.sleep(5)
    driver.close()
    driver.switch_to.window(page)
    refreshes = int(dashboard.body("refreshes"))
    wait_for(lambda: int(dashboard.body("refreshes")) > refreshes, what="a refresh once shown")
    hidden = [calls for is_hidden, calls in driver.execute_script("return samples") if is_hidden]
    assert len(hidden) >= 3, hidden  # (hidden tabs run timers at most once a second)
    # A refresh in flight when the tab was hidden may end; none starts after it.
    assert hidden[1] == hidden[-1], hidden


def test_a_study_deleted_while_the_list_loads_leaves_its_row(dashboard: Dashboard) -> None:
    victim = dashboard.study.client.create_study(f"victim-{uuid.uuid4().hex[:6]}", SPEC)
    _sign_in(dashboard)
    row = f"return document.querySelector(\"tr[data-study='{victim.study_id}']\") !== null"
    wait_for(lambda: dashboard.driver.execute_script(row), what="the victim's row")
    # The next ListStudies answers with the study, which is deleted before its rows' calls.
    dashboard.driver.execute_script(
        """
        const realFetch = window.fetch, name = arguments[0];
        window.fetch = async (url, options) => {
          const answer = await realFetch(url, options);
          if (!String(url).endsWith('/ListStudies')) return answer;
          window.fetch = realFetch;
          await realFetch('../sibyl.v1.StudyService/DeleteStudy', {
            ...options, body: JSON.stringify({ name }),
          });
          return answer;
        };
        """,
        victim.name,
    )
    wait_for(lambda: not dashboard.driver.execute_script(row), what="the row gone")
    assert dashboard.body("page") == "studies"
    assert "tuning" in dashboard.driver.execute_script("return document.body.innerText")


def test_the_curves_come_after_a_refresh_whose_study_call_failed(dashboard: Dashboard) -> None:
    """The second refresh reads the measurements; its GetStudy failing must not lose them."""
    _sign_in(dashboard)
    script = """
        const realFetch = window.fetch;
        let studyCalls = 0;
        window.fetch = async (url, options) => {
          if (String(url).endsWith('/GetStudy') && ++studyCalls === 2) {
            return new Response(JSON.stringify({ code: 14, message: 'unavailable' }),
                                { status: 503 });
          }
          return realFetch(url, options);
        };
    """
    added = dashboard.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": script}
    )
    try:
        dashboard.open_study()
        expected = _expected_counts(dashboard.study)["curves"]
        wait_for(
            lambda: dashboard.chart("curves").get("points") == str(expected),
            what="the intermediate measurements",
        )
        note = "return document.getElementById('study-note').textContent"
        wait_for(lambda: dashboard.driver.execute_script(note) == "", what="the error cleared")
    finally:
        dashboard.driver.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]}
        )


def test_a_renamed_study_shows_its_new_name(dashboard: Dashboard) -> None:
    study = dashboard.study.client.create_study(f"named-{uuid.uuid4().hex[:6]}", SPEC)
    study.update(display_name="before")
    _sign_in(dashboard)
    dashboard.open_study(study.study_id)
    title = "return document.querySelector('h1').textContent"
    assert dashboard.driver.execute_script(title) == "before"
    study.update(display_name="after")
    wait_for(lambda: dashboard.driver.execute_script(title) == "after", what="the new name")


def test_signing_in_from_a_studys_link_opens_the_study(dashboard: Dashboard) -> None:
    _sign_in(dashboard, f"#/studies/{dashboard.study.study_id}", page="study")


def test_a_page_whose_refreshes_fail_waits_between_them(dashboard: Dashboard) -> None:
    """A missing study's page fails each refresh: each waits the refresh interval (1 s),
    not none (a failed first read retried at once, hundreds of calls a second)."""
    _sign_in(dashboard)
    dashboard.driver.get(f"{dashboard.base}/dashboard/?refresh=1#/studies/never-made")
    wait_for(lambda: "does not exist" in dashboard.driver.execute_script(
        "return document.getElementById('study-note')?.textContent || ''"
    ), what="the error")  # fmt: skip
    before = dashboard.driver.execute_script("return sibyl.traffic.calls")
    time.sleep(3)
    calls = dashboard.driver.execute_script("return sibyl.traffic.calls") - before
    assert calls <= 12, calls  # 3 refreshes of at most 3 calls, and one more in flight
