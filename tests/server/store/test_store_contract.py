"""The store contract: every test runs on SQLite, PostgreSQL and the in-memory store."""

from __future__ import annotations

import dataclasses
import importlib
import multiprocessing
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from sibyl_server.domain.errors import Aborted, AlreadyExists, NotFound, Unavailable
from sibyl_server.domain.names import StudyName
from sibyl_server.domain.study import Goal, MetricSpec, ParameterSpec, Study, StudySpec, StudyState
from sibyl_server.domain.team import Team, TeamQuotas
from sibyl_server.domain.trial import Measurement, Trial, TrialState
from sibyl_server.store import MEMORY_URL, Store, open_store
from sibyl_server.store.interface import StudyChanges, TrialClaim, TrialOutcome
from sibyl_server.store.sql.trials import parse_all
from tests.support.stores import migrated_store

SPEC = StudySpec(
    parameters=(ParameterSpec.double("x", 0, 1), ParameterSpec.categorical("c", ["a", "b"])),
    metrics=(MetricSpec("loss", Goal.MINIMIZE),),
    seed=7,
)


@pytest.fixture(scope="module", params=["sql", "memory"])
def backend_url(request: pytest.FixtureRequest, store_url: str) -> str:
    """Each SQL backend, and the in-memory store once (it has no SQL dialects)."""
    if request.param == "memory":
        if "postgresql" in store_url:
            pytest.skip("the in-memory store runs once, beside SQLite")
        return MEMORY_URL
    return store_url


@pytest.fixture(scope="module")
def store(backend_url: str) -> Iterator[Store]:
    with migrated_store(backend_url) as opened:
        yield opened


def new_study(store: Store, team: str = "team-a") -> tuple[int, StudyName]:
    name = StudyName(team, "s-" + uuid.uuid4().hex[:12])
    study = Study(team, name.study, SPEC, StudyState.ACTIVE, create_time=1.0, update_time=1.0)
    with store.transaction(write=True) as tx:
        return tx.insert_study(study, None).pk, name


def add_trials(store: Store, study_pk: int, states: list[TrialState]) -> list[int]:
    with store.transaction(write=True) as tx:
        first = tx.allocate_trial_numbers(study_pk, len(states))
        return [
            tx.insert_trial(
                study_pk,
                Trial(first + i, {"x": 0.5, "c": "a"}, state, lease_expire_time=100.0),
                None,
            )
            for i, state in enumerate(states)
        ]


def test_study_round_trip_and_not_found(store: Store) -> None:
    pk, name = new_study(store)
    with store.transaction(write=False) as tx:
        record = tx.study(name)
    assert record.pk == pk
    assert record.study.spec == SPEC
    assert record.study.state is StudyState.ACTIVE
    assert record.study.trial_count == 0
    with pytest.raises(NotFound), store.transaction(write=False) as tx:
        tx.study(StudyName("team-a", "missing"))


def test_duplicate_study_is_already_exists_and_writes_nothing(store: Store) -> None:
    _, name = new_study(store, team="dup-team")
    study = Study(name.team, name.study, SPEC, StudyState.ACTIVE)
    with pytest.raises(AlreadyExists), store.transaction(write=True) as tx:
        tx.insert_study(study, None)
    with store.transaction(write=False) as tx:
        assert len(tx.studies("dup-team", 0, 10)) == 1


def test_studies_are_listed_per_team_in_creation_order(store: Store) -> None:
    team = "list-" + uuid.uuid4().hex[:8]
    names = [new_study(store, team)[1] for _ in range(5)]
    new_study(store, team + "-other")
    with store.transaction(write=False) as tx:
        first = tx.studies(team, 0, 3)
        rest = tx.studies(team, first[-1].pk, 3)
    assert [r.name for r in first + rest] == names


def test_failed_transaction_leaves_nothing(store: Store) -> None:
    pk, name = new_study(store)
    with pytest.raises(RuntimeError), store.transaction(write=True) as tx:
        tx.allocate_trial_numbers(pk, 3)
        tx.update_study(pk, 5.0, StudyChanges(state=StudyState.PAUSED))
        raise RuntimeError("boom")
    with store.transaction(write=False) as tx:
        record = tx.study(name)
    assert record.study.trial_count == 0
    assert record.study.state is StudyState.ACTIVE


def test_concurrent_number_allocation_is_unique_and_dense(store: Store) -> None:
    pk, _ = new_study(store)

    def allocate(count: int) -> list[int]:
        with store.transaction(write=True) as tx:
            first = tx.allocate_trial_numbers(pk, count)
            time.sleep(0.002)
            return list(range(first, first + count))

    with ThreadPoolExecutor(8) as pool:
        batches = list(pool.map(allocate, [1, 2, 3] * 10))
    numbers = sorted(n for batch in batches for n in batch)
    assert numbers == list(range(1, 61))


def test_trial_filters(store: Store) -> None:
    pk, name = new_study(store)
    states = [TrialState.ACTIVE, TrialState.COMPLETED, TrialState.REQUESTED, TrialState.ACTIVE]
    add_trials(store, pk, states)
    with store.transaction(write=True) as tx:
        tx.claim_trial(
            tx.trials(pk, states=(TrialState.REQUESTED,))[0].pk,
            TrialClaim(TrialState.REQUESTED, client_id="w1", lease_expire_time=500.0),
            now=50.0,
        )
    with store.transaction(write=False) as tx:
        assert [r.trial.number for r in tx.trials(pk)] == [1, 2, 3, 4]
        active = tx.trials(pk, states=(TrialState.ACTIVE,))
        assert [r.trial.number for r in active] == [1, 3, 4]
        held = tx.claimable(pk, "w1", now=200.0)
        assert [r.trial.number for r in held] == [1, 3, 4]  # 1 and 4: lease ended at 100
        held = tx.claimable(pk, "w1", now=50.0)
        assert [r.trial.number for r in held] == [3]
        assert [r.trial.number for r in tx.trials(pk, after_number=2, limit=1)] == [3]
        newest = tx.trials(pk, states=(TrialState.ACTIVE,), limit=2, last=True)
        assert [r.trial.number for r in newest] == [3, 4]
        assert [r.trial.number for r in tx.trials(pk, after_number=3, limit=5, last=True)] == [4]
        assert tx.count_trials(pk, (TrialState.ACTIVE, TrialState.REQUESTED)) == 3
        trial = tx.trial(pk, name.trial(3)).trial
    assert trial.client_id == "w1"
    assert trial.lease_expire_time == 500.0
    assert trial.start_time == 50.0


def test_a_trial_update_naming_no_column_raises_and_writes_nothing(
    store: Store, backend_url: str
) -> None:
    # The SQL store's one UPDATE sets the columns its parameters name; a misspelt name
    # would otherwise be skipped without a word (the in-memory store has no columns).
    if backend_url == MEMORY_URL:
        pytest.skip("SQL only")
    pk, name = new_study(store)
    (trial_pk,) = add_trials(store, pk, [TrialState.ACTIVE])
    with store.transaction(write=True) as tx, pytest.raises(ValueError, match="lease_expire_tme"):
        tx._update_trial(trial_pk, 5.0, state="COMPLETED", lease_expire_tme=None)  # type: ignore[attr-defined]
    with store.transaction(write=False) as tx:
        trial = tx.trial(pk, name.trial(1)).trial
    assert (trial.state, trial.lease_expire_time) == (TrialState.ACTIVE, 100.0)


def test_only_one_concurrent_claim_wins(store: Store) -> None:
    pk, _ = new_study(store)
    [trial_pk] = add_trials(store, pk, [TrialState.REQUESTED])
    barrier = threading.Barrier(6)

    def claim(client: str) -> bool:
        barrier.wait()
        with store.transaction(write=True) as tx:
            return tx.claim_trial(trial_pk, TrialClaim(TrialState.REQUESTED, client, 10.0), 1.0)

    with ThreadPoolExecutor(6) as pool:
        wins = list(pool.map(claim, [f"w{i}" for i in range(6)]))
    assert wins.count(True) == 1


def test_expired_lease_claim_needs_an_expired_lease(store: Store) -> None:
    pk, _ = new_study(store)
    [trial_pk] = add_trials(store, pk, [TrialState.ACTIVE])  # lease expires at t=100
    with store.transaction(write=True) as tx:
        early = tx.claim_trial(trial_pk, TrialClaim(TrialState.ACTIVE, "b", 0), now=99)
        late = tx.claim_trial(trial_pk, TrialClaim(TrialState.ACTIVE, "b", 0), now=101)
    assert (early, late) == (False, True)


def test_renew_leases_touches_only_that_clients_active_trials(store: Store) -> None:
    pk, name = new_study(store)
    pks = add_trials(store, pk, [TrialState.REQUESTED, TrialState.REQUESTED])
    with store.transaction(write=True) as tx:
        for trial_pk, client in zip(pks, ("a", "b"), strict=True):
            tx.claim_trial(trial_pk, TrialClaim(TrialState.REQUESTED, client, 10), now=1)
        renewed = tx.renew_leases(pk, "a", 99.0, 2.0)
    with store.transaction(write=False) as tx:
        leases = [tx.trial(pk, name.trial(n)).trial.lease_expire_time for n in (1, 2)]
    assert leases == [99.0, 10.0]
    assert renewed == {pks[0]}


def test_renew_leases_names_only_the_trials_still_held(store: Store) -> None:
    pk, _ = new_study(store)
    kept, lost = add_trials(store, pk, [TrialState.REQUESTED, TrialState.REQUESTED])
    with store.transaction(write=True) as tx:
        for trial_pk in (kept, lost):
            tx.claim_trial(trial_pk, TrialClaim(TrialState.REQUESTED, "a", 10), now=1)
        # "a" let the lease of `lost` expire, and "b" took it over.
        assert tx.claim_trial(lost, TrialClaim(TrialState.ACTIVE, "b", 50), now=20)
        assert tx.renew_leases(pk, "a", 99.0, 21.0) == {kept}


def test_finish_trial_with_an_expected_state_is_a_compare_and_set(store: Store) -> None:
    pk, name = new_study(store)
    [trial_pk] = add_trials(store, pk, [TrialState.ACTIVE])
    first = TrialOutcome(TrialState.COMPLETED, Measurement({"loss": 0.1}))
    second = TrialOutcome(TrialState.COMPLETED, Measurement({"loss": 0.9}))
    with store.transaction(write=True) as tx:
        stopping = tx.finish_trial(trial_pk, second, 5.0, expected_state=TrialState.STOPPING)
        active = tx.finish_trial(trial_pk, first, 6.0, expected_state=TrialState.ACTIVE)
        again = tx.finish_trial(trial_pk, second, 7.0, expected_state=TrialState.ACTIVE)
    with store.transaction(write=False) as tx:
        trial = tx.trial(pk, name.trial(1)).trial
    assert (stopping, active, again) == (False, True, False)
    assert trial.final_measurement == Measurement({"loss": 0.1})
    assert (trial.state, trial.complete_time, trial.lease_expire_time) == (
        TrialState.COMPLETED,
        6.0,
        None,
    )


def test_request_id_is_unique_per_study(store: Store) -> None:
    pk, _ = new_study(store)
    other_pk, _ = new_study(store)
    with store.transaction(write=True) as tx:
        tx.insert_trial(pk, Trial(1, {}, TrialState.REQUESTED), "req-1")
        tx.insert_trial(other_pk, Trial(1, {}, TrialState.REQUESTED), "req-1")
    with pytest.raises(Aborted), store.transaction(write=True) as tx:
        tx.insert_trial(pk, Trial(2, {}, TrialState.REQUESTED), "req-1")
    with store.transaction(write=False) as tx:
        found = tx.trial_by_request_id(pk, "req-1")
        assert found is not None and found.trial.number == 1
        assert tx.trial_by_request_id(pk, "req-2") is None


def test_trial_numbers_are_unique_per_study(store: Store) -> None:
    pk, _ = new_study(store)
    with store.transaction(write=True) as tx:
        tx.insert_trial(pk, Trial(1, {}, TrialState.REQUESTED), None)
    with pytest.raises(Exception), store.transaction(write=True) as tx:  # noqa: B017
        tx.insert_trial(pk, Trial(1, {}, TrialState.REQUESTED), None)


def test_trials_inserted_together_read_back_as_written(store: Store) -> None:
    pk, _ = new_study(store)
    written = [
        Trial(
            number,
            {"x": number / 10, "c": "b"},
            TrialState.ACTIVE,
            client_id=f"worker-{number}",
            lease_expire_time=100.5,
            metadata={"algorithm": "RANDOM_SEARCH"},
            create_time=7.0,
            start_time=7.0,
            update_time=7.0,
        )
        for number in (1, 2, 3)
    ]
    with store.transaction(write=True) as tx:
        first = tx.allocate_trial_numbers(pk, 3)
        tx.insert_trials(pk, written)
        tx.insert_trials(pk, [])
    with store.transaction(write=False) as tx:
        read = [r.trial for r in tx.trials(pk)]
    assert first == 1
    assert read == written
    with pytest.raises(Exception), store.transaction(write=True) as tx:  # noqa: B017
        tx.insert_trials(pk, [dataclasses.replace(written[0], number=4), written[1]])
    with store.transaction(write=False) as tx:
        assert [r.trial.number for r in tx.trials(pk)] == [1, 2, 3]  # nothing half-written


def test_trial_results_are_the_trials_in_those_states_by_number(store: Store) -> None:
    pk, _ = new_study(store)
    done = Measurement({"loss": 0.5}, step=3, elapsed_seconds=2.0)
    trials = [
        Trial(1, {"x": 0.1, "c": "a"}, TrialState.COMPLETED, final_measurement=done),
        Trial(2, {"x": 0.2, "c": "b"}, TrialState.ACTIVE),
        Trial(3, {"x": 0.3, "c": "a"}, TrialState.INFEASIBLE, infeasibility_reason="oom"),
        Trial(4, {"x": 0.4, "c": "b"}, TrialState.COMPLETED, final_measurement=done),
    ]
    with store.transaction(write=True) as tx:
        tx.allocate_trial_numbers(pk, len(trials))
        tx.insert_trials(pk, trials)
    with store.transaction(write=False) as tx:
        finished = tx.trial_results(pk, (TrialState.INFEASIBLE, TrialState.COMPLETED))
        running = tx.trial_results(pk, (TrialState.ACTIVE,))
    assert [(r.parameters["x"], r.state, r.final) for r in finished] == [
        (0.1, TrialState.COMPLETED, done),
        (0.3, TrialState.INFEASIBLE, None),
        (0.4, TrialState.COMPLETED, done),
    ]
    assert [(r.parameters, r.final) for r in running] == [({"x": 0.2, "c": "b"}, None)]


def test_histories_are_the_curves_of_the_trials_in_those_states(store: Store) -> None:
    pk, _ = new_study(store)
    first, second, other = add_trials(
        store, pk, [TrialState.ACTIVE, TrialState.ACTIVE, TrialState.REQUESTED]
    )
    final = Measurement({"loss": 0.2}, step=2)
    with store.transaction(write=True) as tx:
        tx.insert_measurement(second, Measurement({"loss": 0.5}, step=2, elapsed_seconds=2.0))
        tx.insert_measurement(first, Measurement({"loss": 0.9}, step=1))
        tx.insert_measurement(second, Measurement({"loss": 0.7}, step=1, elapsed_seconds=1.0))
        tx.insert_measurement(other, Measurement({"loss": 0.1}, step=1))
        tx.finish_trial(second, TrialOutcome(TrialState.COMPLETED, final), 9.0)
    with store.transaction(write=False) as tx:
        histories = tx.histories(pk, (TrialState.ACTIVE, TrialState.COMPLETED))
    assert [(h.number, h.state, h.final) for h in histories] == [
        (1, TrialState.ACTIVE, None),
        (2, TrialState.COMPLETED, final),
    ]
    assert histories[0].measurements == [Measurement({"loss": 0.9}, step=1)]
    assert histories[1].measurements == [
        Measurement({"loss": 0.7}, step=1, elapsed_seconds=1.0),
        Measurement({"loss": 0.5}, step=2, elapsed_seconds=2.0),
    ]


def test_stored_json_is_parsed_one_value_per_text() -> None:
    assert parse_all(['{"a": 1}', None, "[1, 2]"]) == [{"a": 1}, None, [1, 2]]
    # Two values in one text would shift every later value onto another row.
    with pytest.raises(ValueError, match="more than one value"):
        parse_all(['{"x": 1}, {"x": 2}', "{}"])


def test_measurements_and_final_measurement(store: Store) -> None:
    pk, name = new_study(store)
    [trial_pk] = add_trials(store, pk, [TrialState.ACTIVE])
    with store.transaction(write=True) as tx:
        tx.insert_measurement(trial_pk, Measurement({"loss": 2.0}, step=2, elapsed_seconds=1.5))
        tx.insert_measurement(trial_pk, Measurement({"loss": 3.0}, step=1))
        final = Measurement({"loss": 0.25}, step=3)
        tx.finish_trial(trial_pk, TrialOutcome(TrialState.COMPLETED, final), 9.0)
    with store.transaction(write=False) as tx:
        trial = tx.trial(pk, name.trial(1)).trial
    assert [m.step for m in trial.measurements] == [1, 2]
    assert trial.measurements[1] == Measurement({"loss": 2.0}, 2, 1.5)
    assert trial.final_measurement == Measurement({"loss": 0.25}, 3, 0.0)
    assert trial.state is TrialState.COMPLETED
    assert trial.lease_expire_time is None
    with store.transaction(write=True) as tx:
        assert tx.trial(pk, name.trial(1), lock=True).trial == trial  # read as it is locked
    with pytest.raises(Exception), store.transaction(write=True) as tx:  # noqa: B017
        tx.insert_measurement(trial_pk, Measurement({"loss": 9.0}, step=2))


def test_the_measurements_of_many_trials_are_read_in_several_statements(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 3 keys a statement: 8 trials take 3 statements, as 100,000 take 10 (drivers refuse
    # a statement of over 65,535 parameters on PostgreSQL, 32,766 on SQLite).
    module = importlib.import_module("sibyl_server.store.sql.trials")  # the package's
    monkeypatch.setattr(module, "MAX_KEYS_PER_STATEMENT", 3)  # `trials` is the table
    pk, _ = new_study(store)
    trial_pks = add_trials(store, pk, [TrialState.ACTIVE] * 8)
    with store.transaction(write=True) as tx:
        for i, trial_pk in enumerate(trial_pks):
            for step in range(1, i + 2):
                tx.insert_measurement(trial_pk, Measurement({"loss": float(i)}, step=step))
    with store.transaction(write=False) as tx:
        trials = [record.trial for record in tx.trials(pk)]
    assert [[m.step for m in t.measurements] for t in trials] == [
        list(range(1, i + 2)) for i in range(8)
    ]
    assert [t.measurements[0].metrics for t in trials] == [{"loss": float(i)} for i in range(8)]


def test_study_and_trial_read_together(store: Store) -> None:
    pk, name = new_study(store)
    other_pk, other = new_study(store)
    _, trial_pk = add_trials(store, pk, [TrialState.ACTIVE, TrialState.ACTIVE])
    add_trials(store, other_pk, [TrialState.ACTIVE])
    with store.transaction(write=True) as tx:
        tx.insert_measurement(trial_pk, Measurement({"loss": 2.0}, step=5))
        tx.insert_measurement(trial_pk, Measurement({"loss": 3.0}, step=4))
    for lock in (False, True):
        with store.transaction(write=lock) as tx:
            record, trial = tx.study_and_trial(name.trial(2), lock=lock)
            assert record == tx.study(name)
            assert trial == tx.trial(pk, name.trial(2))
            assert [m.step for m in trial.trial.measurements] == [4, 5]
            assert tx.study_and_trial(other.trial(1))[0].pk == other_pk
            assert tx.study_and_trial(name.trial(1))[1].trial.measurements == ()
    with store.transaction(write=False) as tx:
        with pytest.raises(NotFound, match="trial"):
            tx.study_and_trial(other.trial(2))
        with pytest.raises(NotFound, match="study"):
            tx.study_and_trial(StudyName("team-a", "missing").trial(1))
        with pytest.raises(NotFound, match="study"):
            tx.study_and_trial(StudyName("team-b", name.study).trial(1))


def test_a_locked_read_that_waited_sees_what_the_holder_committed(store: Store) -> None:
    """A report that waits for the trial's lock must see the measurement the holder
    added (on PostgreSQL a join in the locking statement would show its old snapshot)."""
    pk, name = new_study(store)
    [trial_pk] = add_trials(store, pk, [TrialState.ACTIVE])
    with store.transaction(write=True) as tx:
        tx.insert_measurement(trial_pk, Measurement({"loss": 1.0}, step=1))
    holding, started = threading.Event(), threading.Event()

    def waiting_reader() -> list[int]:
        holding.wait(10)
        started.set()
        with store.transaction(write=True) as tx:
            _, record = tx.study_and_trial(name.trial(1), lock=True)
            return [m.step for m in record.trial.measurements]

    with ThreadPoolExecutor(1) as pool:
        seen = pool.submit(waiting_reader)
        with store.transaction(write=True) as tx:
            tx.study_and_trial(name.trial(1), lock=True)
            holding.set()
            started.wait(10)
            time.sleep(0.3)  # the reader is blocked on the lock (or on the writer slot)
            tx.insert_measurement(trial_pk, Measurement({"loss": 2.0}, step=2))
        assert seen.result(timeout=30) == [1, 2]


def test_a_locked_study_read_that_waited_sees_the_holders_trial_count(store: Store) -> None:
    """The write of a suggestion checks the budget on the count it reads under the lock:
    a read that waited must see the numbers the holder took."""
    pk, name = new_study(store)
    holding, started = threading.Event(), threading.Event()

    def waiting_reader() -> int:
        holding.wait(10)
        started.set()
        with store.transaction(write=True) as tx:
            record, _ = tx.study_and_quotas(name, lock=True)
            return record.study.trial_count

    with ThreadPoolExecutor(1) as pool:
        seen = pool.submit(waiting_reader)
        with store.transaction(write=True) as tx:
            tx.study_and_quotas(name, lock=True)
            holding.set()
            started.wait(10)
            time.sleep(0.3)  # the reader is blocked on the lock (or on the writer slot)
            tx.allocate_trial_numbers(pk, 3)
        assert seen.result(timeout=30) == 3


def test_delete_study_removes_its_trials(store: Store) -> None:
    pk, name = new_study(store)
    add_trials(store, pk, [TrialState.ACTIVE, TrialState.COMPLETED])
    with store.transaction(write=True) as tx:
        tx.delete_study(pk)
    with store.transaction(write=False) as tx:
        assert tx.trials(pk) == []
        with pytest.raises(NotFound):
            tx.study(name)


def test_engine_state_round_trip(store: Store) -> None:
    pk, name = new_study(store)
    state = {"quasi_random": {"position": 12}, "gp": {"lengthscales": [0.1, 2.5]}}
    with store.transaction(write=True) as tx:
        record, saved = tx.study_and_engine_state(name)
        assert (record.pk, saved) == (pk, {})
        tx.update_study(pk, 2.0, StudyChanges(engine_state=state))
    with store.transaction(write=False) as tx:
        assert tx.study_and_engine_state(name)[1] == state


def test_claimable_trials_are_the_held_then_the_first_queued(store: Store) -> None:
    pk, _ = new_study(store)
    states = [TrialState.REQUESTED, TrialState.ACTIVE, TrialState.REQUESTED]
    states += [TrialState.COMPLETED, TrialState.REQUESTED, TrialState.ACTIVE]
    add_trials(store, pk, states)  # numbers 1-6; the ACTIVE ones' leases end at 100
    with store.transaction(write=False) as tx:

        def claimable(now: float, queued: int = 0) -> list[int]:
            return [r.trial.number for r in tx.claimable(pk, "nobody", now, queued)]

        assert claimable(200.0, queued=2) == [2, 6, 1, 3]
        assert claimable(200.0, queued=9) == [2, 6, 1, 3, 5]
        assert claimable(50.0, queued=1) == [1]
        assert claimable(50.0) == []


def test_a_study_is_read_with_its_teams_quotas(store: Store) -> None:
    team = "q-" + uuid.uuid4().hex[:8]
    quotas = TeamQuotas(max_trials_per_study=7, max_suggest_requests_per_second=2.5)
    pk, name = new_study(store, team)
    _, other = new_study(store, team + "-none")  # a team without a record: no quotas
    with store.transaction(write=True) as tx:
        tx.insert_team(Team(team, quotas))
    for lock in (False, True):
        with store.transaction(write=lock) as tx:
            record, read = tx.study_and_quotas(name, lock=lock)
            assert (record.pk, record.name, read) == (pk, name, quotas)
            assert tx.study_and_quotas(other, lock=lock)[1] == TeamQuotas()
            with pytest.raises(NotFound):
                tx.study_and_quotas(StudyName(team, "missing"), lock=lock)


def test_allocating_numbers_can_save_changes_in_the_same_statement(store: Store) -> None:
    pk, name = new_study(store)
    state = {"quasi_random": {"position": 3}}
    with store.transaction(write=True) as tx:
        assert tx.allocate_trial_numbers(pk, 2, (7.0, StudyChanges(engine_state=state))) == 1
        assert tx.allocate_trial_numbers(pk, 1) == 3
    with store.transaction(write=False) as tx:
        record, saved = tx.study_and_engine_state(name)
    assert saved == state
    assert record.study.trial_count == 3
    assert record.study.update_time == 7.0
    with pytest.raises(NotFound), store.transaction(write=False) as tx:
        tx.study_and_engine_state(StudyName(name.team, "missing"))


def test_study_lock_is_exclusive_between_holders(store: Store) -> None:
    pk, _ = new_study(store)
    first, second = store.study_lock(pk), store.study_lock(pk)
    assert first.try_acquire()
    try:
        assert not second.try_acquire()
        other = store.study_lock(pk + 1_000_000)
        assert other.try_acquire()
        other.release()
    finally:
        first.release()
    assert second.try_acquire()
    second.release()


def _hold_lock(store_url: str, study_pk: int, ready: multiprocessing.Event) -> None:
    lock = open_store(store_url, pool_size=1).study_lock(study_pk)
    assert lock.try_acquire()
    ready.set()
    time.sleep(600)


def test_study_lock_of_a_killed_process_is_released(store: Store, backend_url: str) -> None:
    if backend_url == MEMORY_URL:
        pytest.skip("the in-memory store lives in one process")
    pk, _ = new_study(store)
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    holder = context.Process(target=_hold_lock, args=(backend_url, pk, ready), daemon=True)
    holder.start()
    try:
        assert ready.wait(60)
        lock = store.study_lock(pk)
        assert not lock.try_acquire()
    finally:
        holder.kill()
        holder.join(10)
    deadline = time.monotonic() + 10
    while not lock.try_acquire():
        assert time.monotonic() < deadline, "lock not released after its holder was killed"
        time.sleep(0.05)
    lock.release()


def test_migrations_are_idempotent(store: Store) -> None:
    store.migrate()
    store.ping()


def test_unreachable_database_is_unavailable() -> None:
    store = open_store("postgresql://postgres@127.0.0.1:1/none", pool_size=1)
    try:
        with pytest.raises(Unavailable):
            store.ping()
    finally:
        store.close()


def test_mark_stopping_records_its_metadata(store: Store) -> None:
    pk, name = new_study(store)
    [trial_pk] = add_trials(store, pk, [TrialState.ACTIVE])
    metadata = {"sibyl.algorithm": "RANDOM_SEARCH", "sibyl.stop_reason": "median rule"}
    with store.transaction(write=True) as tx:
        tx.mark_stopping(trial_pk, metadata, 5.0)
    with store.transaction(write=False) as tx:
        trial = tx.trial(pk, name.trial(1)).trial
    assert (trial.state, dict(trial.metadata)) == (TrialState.STOPPING, metadata)
