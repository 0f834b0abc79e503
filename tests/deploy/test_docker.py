"""deploy/docker: what the images hold, and their command run for real.

No container engine runs here, so the Dockerfiles are read as the builder reads them
(tests/deploy/dockerfiles.py), and the image's command is run with this virtual
environment standing in for the image's /opt/sibyl/venv: ENTRYPOINT and CMD, with the
image's ENV and WORKDIR, against a SQLite store on a free loopback port; then its
HEALTHCHECK command; then SIGTERM, as `docker stop` sends it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

import sibyl
from tests.deploy import dockerfiles
from tests.deploy.dockerignore import DockerIgnore
from tests.deploy.settings import check_configuration, unknown_variables

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILES = {
    "cpu": ROOT / "deploy" / "docker" / "Dockerfile",
    "cuda": ROOT / "deploy" / "docker" / "Dockerfile.cuda",
}
IMAGE_VENV = "/opt/sibyl/venv"
IMAGE_USER = "10001:10001"
SERVICE_NAME = "sibyl.v1.StudyService"
PINNED_IMAGE = re.compile(r"^[\w./-]+:\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?$")


@dataclass
class Image:
    """The final stage of a Dockerfile, and how its paths map onto this checkout."""

    stages: list[dockerfiles.Stage]

    @classmethod
    def read(cls, path: Path) -> Image:
        return cls(dockerfiles.parse(path)[1])

    @property
    def runtime(self) -> dockerfiles.Stage:
        return self.stages[-1]

    @property
    def environment(self) -> dict[str, str]:
        return self.runtime.environment()

    def command(self) -> list[str]:
        entrypoint = self.runtime.last("ENTRYPOINT").exec_form()
        cmd = self.runtime.all("CMD")
        return entrypoint + (cmd[-1].exec_form() if cmd else [])

    def healthcheck(self) -> list[str]:
        arguments = self.runtime.last("HEALTHCHECK").arguments
        assert arguments.startswith("CMD "), "HEALTHCHECK CMD in exec form"
        return dockerfiles.Instruction("CMD", arguments[4:], {}, 0).exec_form()

    def copies(self) -> dict[str, Path]:
        """Destination in the image -> source in the checkout, for COPY from the context."""
        found = {}
        for instruction in self.runtime.all("COPY"):
            if "from" not in instruction.flags:
                *sources, destination = instruction.arguments.split()
                assert len(sources) == 1, "one source per COPY into the runtime stage"
                found[destination] = ROOT / sources[0]
        return found

    def on_this_machine(self, argv: list[str]) -> list[str]:
        """`argv` as run in the image, with this checkout and venv standing in."""
        copies = self.copies()
        mapped = [
            str(copies[arg]) if arg in copies else arg.replace(IMAGE_VENV, sys.prefix, 1)
            for arg in argv
        ]
        if "/" not in mapped[0]:  # looked up on the image's PATH
            path = self.environment["PATH"].replace(IMAGE_VENV, sys.prefix)
            mapped[0] = shutil.which(mapped[0], path=path) or mapped[0]
        assert Path(mapped[0]).is_file(), f"{argv[0]} is not in the image's venv: {mapped[0]}"
        return mapped


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(params=sorted(DOCKERFILES))
def image(request: pytest.FixtureRequest) -> Image:
    return Image.read(DOCKERFILES[request.param])


# What the images are ----------------------------------------------------------------------


def test_entrypoint_is_sibyl_serve_as_a_non_root_user(image: Image) -> None:
    assert image.command() == ["sibyl", "serve"]
    assert image.runtime.last("USER").arguments == IMAGE_USER, "numeric, as the manifests say"
    assert image.runtime.last("WORKDIR").arguments == image.environment["HOME"]


def test_base_images_are_pinned(image: Image) -> None:
    names = {stage.name for stage in image.stages}
    assert len(image.stages) >= 2, "multi-stage: build tools stay out of the runtime image"
    for stage in image.stages:
        assert stage.base in names or PINNED_IMAGE.match(stage.base), stage.base


@pytest.mark.parametrize(("name", "index"), [("cpu", "/whl/cpu"), ("cuda", "/whl/cu")])
def test_torch_is_installed_first_from_the_right_index(name: str, index: str) -> None:
    build = Image.read(DOCKERFILES[name]).stages[0]
    args = dict(i.arguments.split("=", 1) for i in build.all("ARG"))
    assert index in args["TORCH_INDEX_URL"]
    pinned = re.search(r'"torch==([\d.]+)"', (ROOT / "pyproject.toml").read_text())
    assert pinned and args["TORCH_VERSION"] == pinned.group(1), "the version pyproject pins"
    runs = [i.arguments for i in build.all("RUN")]
    torch = next(n for n, run in enumerate(runs) if "torch==${TORCH_VERSION}" in run)
    server = next(n for n, run in enumerate(runs) if "'.[server]'" in run)
    assert torch < server
    assert '--index-url "${TORCH_INDEX_URL}"' in runs[torch]


def test_environment_is_a_configuration_the_server_accepts(image: Image) -> None:
    environment = image.environment
    assert not unknown_variables(environment), "misspelt setting"
    config = check_configuration(environment)
    assert config.address == "0.0.0.0:50051"
    assert environment["SIBYL_METRICS_ADDRESS"] == "0.0.0.0:9090"
    assert config.log_format == "json"
    exposed = {int(port) for port in image.runtime.last("EXPOSE").arguments.split()}
    assert exposed == {50051, 9090}


def test_cuda_image_finds_the_gpu_by_itself() -> None:
    environment = Image.read(DOCKERFILES["cuda"]).environment
    assert environment["SIBYL_DEVICE"] == "auto"
    assert "NVIDIA_VISIBLE_DEVICES" not in environment, "left to --gpus / the device plugin"
    assert Image.read(DOCKERFILES["cpu"]).environment["SIBYL_DEVICE"] == "cpu"


def test_build_context_holds_what_the_images_copy(image: Image) -> None:
    ignore = DockerIgnore.read(ROOT / ".dockerignore")
    for stage in image.stages:
        for instruction in stage.all("COPY"):
            if "from" in instruction.flags:
                continue
            for source in instruction.arguments.split()[:-1]:
                path = ROOT / source
                files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
                assert files, f"COPY {source}: nothing there"
                kept = [f for f in files if "__pycache__" not in f.parts]
                excluded = [f for f in kept if ignore.excludes(str(f.relative_to(ROOT)))]
                assert not excluded, f".dockerignore drops what COPY needs: {excluded[:3]}"


@pytest.mark.parametrize(
    "path",
    [
        ".git/config",
        ".venv/bin/python",
        "tests/conftest.py",
        "benchmarks/results/a.json",
        "sibyl.db",
        "server/sibyl_server/__pycache__/config.cpython-311.pyc",
        ".env",
    ],
)
def test_build_context_leaves_out(path: str) -> None:
    assert DockerIgnore.read(ROOT / ".dockerignore").excludes(path)


def test_healthcheck_runs_the_copied_script(image: Image) -> None:
    healthcheck = image.healthcheck()
    assert healthcheck[0] == "python"
    assert image.copies()[healthcheck[1]] == ROOT / "deploy" / "docker" / "healthcheck.py"


# The image's command, run ---------------------------------------------------------------


def test_image_command_serves_answers_health_and_drains(image: Image, tmp_path: Path) -> None:
    port_file = tmp_path / "port"
    home = tmp_path / "home"  # the image's WORKDIR and HOME (its volume)
    home.mkdir()
    overrides = {
        # Loopback and a free port instead of 0.0.0.0:50051, a temporary SQLite file
        # instead of the volume's; the rest is the image's own environment.
        "SIBYL_ADDRESS": "127.0.0.1:0",
        "SIBYL_STORE": f"sqlite:///{home / 'sibyl.db'}",
        "SIBYL_PORT_FILE": str(port_file),
        "SIBYL_METRICS_ADDRESS": f"127.0.0.1:{free_port()}",
        "HOME": str(home),
        "PATH": f"{Path(sys.prefix) / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SIBYL_")}
    environ = {**inherited, **image.environment, **overrides}
    process = subprocess.Popen(
        image.on_this_machine(image.command()),
        cwd=home,
        env=environ,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = _wait_for_port(process, port_file)
        address = f"127.0.0.1:{port}"
        _assert_serving(address)
        health_env = {**environ, "SIBYL_ADDRESS": f"0.0.0.0:{port}"}
        assert _run_healthcheck(image, health_env).returncode == 0
        with sibyl.connect(address) as client:
            spec = {"parameters": {"c": ["a", "b"]}, "metrics": {"y": "minimize"}}
            assert len(client.create_study("from-the-image", spec).suggest(count=2)) == 2
    finally:
        process.send_signal(signal.SIGTERM)  # what `docker stop` and Kubernetes send
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    # SIBYL_LOG_FORMAT=json: one object per line, the last one saying the drain is over.
    logs = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert logs and logs[-1]["message"] == "stopped", stderr
    stopped = _run_healthcheck(image, health_env)
    assert stopped.returncode == 1 and "UNAVAILABLE" in stopped.stderr


def test_image_command_exports_metrics(image: Image, tmp_path: Path) -> None:
    import urllib.request

    metrics_port = free_port()
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SIBYL_")},
        **image.environment,
        "SIBYL_ADDRESS": "127.0.0.1:0",
        "SIBYL_STORE": f"sqlite:///{tmp_path / 'sibyl.db'}",
        "SIBYL_PORT_FILE": str(tmp_path / "port"),
        "SIBYL_METRICS_ADDRESS": f"127.0.0.1:{metrics_port}",
        "PATH": f"{Path(sys.prefix) / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    process = subprocess.Popen(image.on_this_machine(image.command()), cwd=tmp_path, env=environ)
    try:
        _wait_for_port(process, tmp_path / "port")
        url = f"http://127.0.0.1:{metrics_port}/metrics"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0


def _wait_for_port(process: subprocess.Popen[str], port_file: Path) -> int:
    deadline = time.monotonic() + 120
    while not port_file.exists():
        assert process.poll() is None, "the server exited before listening"
        assert time.monotonic() < deadline, "the server did not listen within 120 s"
        time.sleep(0.05)
    return int(port_file.read_text())


def _assert_serving(address: str) -> None:
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for service in ("", SERVICE_NAME):
            response = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
            assert response.status == health_pb2.HealthCheckResponse.SERVING, service


def _run_healthcheck(image: Image, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = image.on_this_machine(image.healthcheck())
    return subprocess.run(command, env=environ, capture_output=True, text=True, timeout=30)
