"""SibylSearchCV in place of RandomizedSearchCV: a gradient-boosting model on wine data.

    python examples/sklearn_search.py [--address host:port] [--n-iter 30] [--n-jobs 2]

Without --address, `fit` runs a Sibyl server in this process on a temporary SQLite file.
"""

from __future__ import annotations

import argparse

from scipy.stats import loguniform, randint
from sklearn.datasets import load_wine
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import train_test_split

from sibyl.integrations.sklearn import SibylSearchCV

SPACE = {
    "learning_rate": loguniform(1e-3, 1.0),
    "max_leaf_nodes": randint(2, 64),
    "min_samples_leaf": randint(1, 30),
    "l2_regularization": loguniform(1e-4, 10.0),
    "max_features": [0.5, 0.75, 1.0],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--address", default=None, help="a Sibyl server; default: start one")
    parser.add_argument("--n-iter", type=int, default=30)
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args()
    X, y = load_wine(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    search = SibylSearchCV(
        HistGradientBoostingClassifier(max_iter=50, early_stopping=False),
        SPACE,
        n_iter=args.n_iter,
        cv=3,
        n_jobs=args.n_jobs,
        random_state=0,
        address=args.address,
    )
    search.fit(X_train, y_train)
    for rank, index in enumerate(search.cv_results_["rank_test_score"].argsort()[:5], 1):
        score = search.cv_results_["mean_test_score"][index]
        print(f"{rank}. trial {search.cv_results_['sibyl_trial'][index]}: CV accuracy {score:.4f}")
    print(f"best parameters: {search.best_params_}")
    print(f"best CV accuracy {search.best_score_:.4f}, test accuracy "
          f"{search.score(X_test, y_test):.4f} ({search.study_name_})")  # fmt: skip


if __name__ == "__main__":
    main()
