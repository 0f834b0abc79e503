"""Study use cases: create, read, list, delete, change state."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable

from sibyl_server.domain.names import StudyName, TeamName, check_resource_id
from sibyl_server.domain.study import Study, StudySpec, StudyState
from sibyl_server.domain.validation import MAX_DISPLAY_NAME_LENGTH, check_spec, check_text
from sibyl_server.service.lifecycle import complete_if_done
from sibyl_server.service.pagination import (
    decode_page_token,
    encode_page_token,
    fingerprint,
    page_size,
)
from sibyl_server.service.quotas import check_active_studies
from sibyl_server.store.repository import Store

DEFAULT_STUDY_PAGE_SIZE = 50
Clock = Callable[[], float]


@dataclasses.dataclass(frozen=True)
class StudyPage:
    studies: list[Study]
    next_page_token: str


class StudyUseCases:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def create_study(
        self, parent: TeamName, study_id: str, spec: StudySpec, display_name: str = ""
    ) -> Study:
        check_resource_id(study_id, "study_id")
        check_spec(spec, "study.spec")
        check_text(display_name, MAX_DISPLAY_NAME_LENGTH, "study.display_name")
        if spec.seed is None:
            spec = dataclasses.replace(spec, seed=secrets.randbits(31))
        now = self._clock()
        study = Study(
            team=parent.team,
            study_id=study_id,
            spec=spec,
            state=StudyState.ACTIVE,
            display_name=display_name,
            create_time=now,
            update_time=now,
        )
        with self._store.transaction(write=True) as tx:
            check_active_studies(tx, parent.team)
            return tx.insert_study(study).study

    def get_study(self, name: StudyName) -> Study:
        with self._store.transaction(write=False) as tx:
            return tx.study(name).study

    def list_studies(self, parent: TeamName, requested_size: int, token: str) -> StudyPage:
        size = page_size(requested_size, DEFAULT_STUDY_PAGE_SIZE)
        request_fingerprint = fingerprint(parent.team)
        after = decode_page_token(token, request_fingerprint)
        with self._store.transaction(write=False) as tx:
            records = tx.studies(parent.team, after, size + 1)
        next_token = ""
        if len(records) > size:
            records = records[:size]
            next_token = encode_page_token(records[-1].pk, request_fingerprint)
        return StudyPage([r.study for r in records], next_token)

    def delete_study(self, name: StudyName) -> None:
        with self._store.transaction(write=True) as tx:
            tx.delete_study(tx.study(name).pk)

    def update_study_state(self, name: StudyName, state: StudyState) -> Study:
        now = self._clock()
        with self._store.transaction(write=True) as tx:
            record = tx.study(name, lock=True)
            if state is StudyState.ACTIVE and record.study.state is not StudyState.ACTIVE:
                check_active_studies(tx, name.team)
            tx.update_study(record.pk, now, state=state, state_reason="")
            if state is StudyState.ACTIVE:
                # An exhausted study set ACTIVE again has nothing left to hand out.
                complete_if_done(tx, tx.study(name), record.exhausted_reason, now)
            return tx.study(name).study
