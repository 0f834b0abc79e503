"""deploy/kubernetes: valid against the Kubernetes schemas, and consistent with the server.

No cluster runs here, so each manifest is checked against the OpenAPI schemas that
kubernetes-validate ships (strict: unknown fields are errors), for every Kubernetes
version from the first with GA gRPC probes to the newest the package knows; then what the
schemas cannot see: that the pieces refer to each other correctly and that the
configuration is one `sibyl serve` accepts.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import all_versions
from packaging.version import Version

from tests.deploy import kustomize
from tests.deploy.settings import check_configuration, unknown_variables

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
VARIANTS = ("base", "gpu")
OLDEST = Version("1.27")  # gRPC probes are GA from 1.27 (beta, on by default, from 1.24)
VERSIONS = sorted({v for v in all_versions() if Version(v) >= OLDEST}, key=Version)
SERVICE_NAME = "sibyl.v1.StudyService"


def rendered(variant: str) -> list[dict[str, Any]]:
    return kustomize.render(KUBERNETES / variant)


def the(resources: list[dict[str, Any]], kind: str, name: str = "sibyl") -> dict[str, Any]:
    (found,) = [r for r in resources if r["kind"] == kind and r["metadata"]["name"] == name]
    return found


def container(variant: str) -> dict[str, Any]:
    (found,) = the(rendered(variant), "Deployment")["spec"]["template"]["spec"]["containers"]
    return found


def env_values(variant: str) -> dict[str, str]:
    return {e["name"]: e.get("value", "") for e in container(variant)["env"]}


def port_of(address: str) -> int:
    return int(address.rpartition(":")[2])


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("source", [*VARIANTS, "secret.example.yaml"])
def test_manifests_match_the_kubernetes_schemas(source: str, version: str) -> None:
    path = KUBERNETES / source
    resources = kustomize.load_documents(path) if path.is_file() else rendered(source)
    assert resources
    for resource in resources:
        # Raises ValidationError, or SchemaNotFoundError for a kind/apiVersion that the
        # version does not have.
        kubernetes_validate.validate(resource, version, strict=True)


def test_the_schemas_are_strict_and_offline() -> None:
    """The validation above can fail: a misspelt field is refused with no network."""
    deployment = the(rendered("base"), "Deployment")
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["grcp"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, VERSIONS[-1], strict=True)


@pytest.mark.parametrize("variant", VARIANTS)
def test_rendering_matches_kubectl_kustomize(variant: str) -> None:
    """Where kubectl is installed, our renderer agrees with the real kustomize."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: kustomize.render() is checked without it")
    output = subprocess.run(
        [kubectl, "kustomize", str(KUBERNETES / variant)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    real = [kustomize.canonical(doc) for doc in yaml.safe_load_all(output) if doc]
    ours = [kustomize.canonical(doc) for doc in rendered(variant)]
    key = lambda r: (r["kind"], r["metadata"]["name"])  # noqa: E731
    assert sorted(ours, key=key) == sorted(real, key=key)


@pytest.mark.parametrize("variant", VARIANTS)
def test_environment_is_a_configuration_the_server_accepts(variant: str) -> None:
    names = [e["name"] for e in container(variant)["env"]]
    assert len(names) == len(set(names))
    assert not unknown_variables(names), "misspelt setting"
    environ = {**env_values(variant), "SIBYL_STORE": "postgresql://u:p@db:5432/sibyl"}
    config = check_configuration(environ)
    assert config.address == "0.0.0.0:50051"
    assert config.log_format == "json"


@pytest.mark.parametrize("variant", VARIANTS)
def test_database_url_comes_from_the_secret_template(variant: str) -> None:
    (store,) = [e for e in container(variant)["env"] if e["name"] == "SIBYL_STORE"]
    reference = store["valueFrom"]["secretKeyRef"]
    (secret,) = kustomize.load_documents(KUBERNETES / "secret.example.yaml")
    assert reference["name"] == secret["metadata"]["name"]
    url = secret["stringData"][reference["key"]]
    assert url.startswith("postgresql://") and ":CHANGE-ME@" in url, "a placeholder only"
    assert not [r for r in rendered(variant) if r["kind"] == "Secret"], (
        "applying the kustomization must not overwrite the operator's Secret"
    )


@pytest.mark.parametrize("variant", VARIANTS)
def test_probes_ask_the_grpc_health_service(variant: str) -> None:
    spec = container(variant)
    ports = {p["name"]: p["containerPort"] for p in spec["ports"]}
    assert ports["grpc"] == port_of(env_values(variant)["SIBYL_ADDRESS"])
    probes = {
        kind: spec[kind]["grpc"] for kind in ("startupProbe", "readinessProbe", "livenessProbe")
    }
    assert all(probe["port"] == ports["grpc"] for probe in probes.values())
    assert probes["readinessProbe"]["service"] == SERVICE_NAME
    # Liveness asks about the process (""), never the database: restarting every replica
    # during a database outage would cure nothing.
    assert probes["livenessProbe"]["service"] == ""


@pytest.mark.parametrize("variant", VARIANTS)
def test_termination_outlasts_the_drain(variant: str) -> None:
    pod = the(rendered(variant), "Deployment")["spec"]["template"]["spec"]
    pre_stop = container(variant)["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    config = check_configuration(env_values(variant))
    assert pod["terminationGracePeriodSeconds"] > float(pre_stop[1]) + config.stop_seconds()


@pytest.mark.parametrize("variant", VARIANTS)
def test_runs_as_non_root_on_a_read_only_root(variant: str) -> None:
    pod = the(rendered(variant), "Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001, "the image's USER"
    security = container(variant)["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    mounts = {m["mountPath"] for m in container(variant)["volumeMounts"]}
    assert "/tmp" in mounts, "torch and Python need a writable temporary folder"


@pytest.mark.parametrize("variant", VARIANTS)
def test_resources_are_requested_and_limited(variant: str) -> None:
    resources = container(variant)["resources"]
    for name in ("cpu", "memory"):
        assert name in resources["requests"] and name in resources["limits"]
    threads = int(env_values(variant)["SIBYL_TORCH_THREADS"])
    workers = int(env_values(variant)["SIBYL_ENGINE_WORKERS"])
    assert threads * workers <= int(resources["limits"]["cpu"]), "torch threads beyond the limit"


def test_gpu_variant_asks_for_a_gpu_and_runs_the_cuda_image() -> None:
    spec = container("gpu")
    assert spec["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert "cuda" in spec["image"] and "cuda" not in container("base")["image"]
    assert env_values("gpu")["SIBYL_DEVICE"] == "auto"
    assert env_values("base")["SIBYL_DEVICE"] == "cpu"
    assert "nvidia.com/gpu" not in container("base")["resources"]["limits"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_services_budget_and_autoscaler_select_the_pods(variant: str) -> None:
    resources = rendered(variant)
    deployment = the(resources, "Deployment")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    for name in ("sibyl", "sibyl-headless"):
        service = the(resources, "Service", name)
        assert service["spec"]["selector"].items() <= labels.items()
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= {
            p["name"] for p in container(variant)["ports"]
        }
    assert the(resources, "Service", "sibyl-headless")["spec"]["clusterIP"] == "None"
    budget = the(resources, "PodDisruptionBudget")
    assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()
    autoscaler = the(resources, "HorizontalPodAutoscaler")
    assert autoscaler["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert autoscaler["spec"]["minReplicas"] >= 2, "one replica is no service during drains"
    assert autoscaler["spec"]["minReplicas"] <= deployment["spec"]["replicas"]


def test_base_runs_three_replicas() -> None:
    assert the(rendered("base"), "Deployment")["spec"]["replicas"] == 3


@pytest.mark.parametrize("variant", VARIANTS)
def test_metrics_port_is_announced_for_scraping(variant: str) -> None:
    template = the(rendered(variant), "Deployment")["spec"]["template"]
    annotations = template["metadata"]["annotations"]
    ports = {p["name"]: p["containerPort"] for p in container(variant)["ports"]}
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/path"] == "/metrics"
    assert int(annotations["prometheus.io/port"]) == ports["metrics"]
    assert port_of(env_values(variant)["SIBYL_METRICS_ADDRESS"]) == ports["metrics"]
