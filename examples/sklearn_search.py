"""SibylSearchCV in place of RandomizedSearchCV: a scaled SVM pipeline on wine data.

    python examples/sklearn_search.py [--address host:port] [--n-iter 30] [--n-jobs 2]

Without --address, `fit` runs a Sibyl server in this process on a temporary SQLite file.
"""

from __future__ import annotations

import argparse

from scipy.stats import loguniform, randint
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sibyl.integrations.sklearn import SibylSearchCV

SPACE = {
    "svc__C": loguniform(1e-2, 1e3),
    "svc__gamma": loguniform(1e-4, 1.0),
    "svc__kernel": ["rbf", "poly", "sigmoid"],
    "svc__degree": randint(2, 5),
    "svc__class_weight": [None, "balanced"],
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
        make_pipeline(StandardScaler(), SVC()),
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
