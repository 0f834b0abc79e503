"""Sibyl inside the tools teams already use. Each module needs its own extra:

- `sibyl.integrations.sklearn`: `SibylSearchCV`, a drop-in for GridSearchCV and
  RandomizedSearchCV (`pip install 'sibyl[sklearn]'`).
- `sibyl.integrations.optuna`: `SibylSampler` and `SibylPruner` for Optuna studies
  (`pip install 'sibyl[optuna]'`).
- `sibyl.integrations.ray`: `SibylSearch`, a Ray Tune searcher (`pip install 'sibyl[ray]'`).
- `sibyl.integrations.lightning`, `.keras`, `.xgboost`, `.lightgbm`, `.transformers`:
  `SibylCallback`, which reports a trial's monitored metric each epoch or boosting
  round, stops training when the study's early-stopping policy says so, and completes
  the trial (`pip install 'sibyl[lightning]'`, `[keras]`, `[xgboost]`, `[lightgbm]`,
  `[transformers]`). These take a `sibyl.Trial` and so need no server address.

Importing `sibyl` imports none of them; importing one imports only its own library.
Where no server address is given, the search tools start a server in the calling process
on a temporary SQLite file, which needs `pip install 'sibyl[server]'`.
"""
