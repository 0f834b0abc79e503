"""docs/operations.md: the manifests it tells operators to apply are valid too."""

from __future__ import annotations

import re
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from tests.deploy import kustomize
from tests.deploy.test_kubernetes import KUBERNETES, VERSIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def yaml_block_after(marker: str) -> dict:
    text = DOC.read_text()
    match = re.compile(r"```yaml\n(.*?)```", re.DOTALL).search(text, text.index(marker))
    assert match, f"no YAML block after {marker!r}"
    return yaml.safe_load(match.group(1))


@pytest.mark.parametrize("version", [VERSIONS[0], VERSIONS[-1]])
def test_tls_patch_applies_to_the_base_and_validates(version: str) -> None:
    patch = yaml_block_after("A patch for your overlay")
    resources = kustomize.render(KUBERNETES / "base")
    (deployment,) = [r for r in resources if r["kind"] == patch["kind"]]
    patched = kustomize.merge(deployment, patch)
    kubernetes_validate.validate(patched, version, strict=True)
    (container,) = patched["spec"]["template"]["spec"]["containers"]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert "grpc" not in container[probe], "native gRPC probes cannot speak TLS"
        assert container[probe]["exec"]["command"][1] == "/opt/sibyl/healthcheck.py"
    assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
