"""The training callbacks import their framework only when their module is imported."""

from __future__ import annotations

import pytest

from tests.client.test_thin_client import loaded_after

FRAMEWORKS = ("lightning", "pytorch_lightning", "keras", "xgboost", "lightgbm", "transformers")


def test_importing_sibyl_and_the_integrations_package_loads_no_framework() -> None:
    assert loaded_after("import sibyl, sibyl.integrations", FRAMEWORKS) == []


# Only the boosting libraries: Lightning itself imports transformers when it is
# installed, and all three torch frameworks import torch.
@pytest.mark.parametrize("module", ["xgboost", "lightgbm"])
def test_a_boosting_callback_imports_only_its_library(module: str) -> None:
    loaded = loaded_after(f"import sibyl.integrations.{module}", (*FRAMEWORKS, "torch"))
    assert loaded == [module]
