"""Faults under load, on PostgreSQL: a replica killed, the database restarted.

Workers connect to every replica (client-side round-robin) and retry calls that fail
with UNAVAILABLE; afterwards the database must hold exactly what they reported.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from benchmarks.load import (
    LoadSettings,
    WorkerReport,
    check_database,
    create_studies,
    merge_reports,
    work_until_done,
)
from tests.support.servers import ServerProcess

SETTINGS = LoadSettings(workers=8, studies=2, trials_per_study=40, client_processes=1, seed=1)
TOTAL = SETTINGS.studies * SETTINGS.trials_per_study


def run_workers_with_fault(target: str, team: str, fault: Callable[[], None]) -> WorkerReport:
    """Runs the workers; calls `fault` once a quarter of the trials are done."""
    studies = create_studies(target, team, SETTINGS)
    reports = [WorkerReport() for _ in range(SETTINGS.workers)]
    threads = [
        threading.Thread(
            target=work_until_done,
            args=(target, team, studies[i % len(studies)], f"w{i}", reports[i]),
        )
        for i in range(SETTINGS.workers)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while sum(len(r.results) for r in reports) < TOTAL // 4:
        assert time.monotonic() < deadline, "the load did not get going"
        time.sleep(0.01)
    fault()
    for thread in threads:
        thread.join(240)
        assert not thread.is_alive(), "a worker never finished"
    return merge_reports(reports)


@pytest.mark.slow
def test_killing_a_replica_mid_load_loses_nothing(postgres_url: str, tmp_path: Path) -> None:
    replicas = [ServerProcess(postgres_url, tmp_path, f"replica-{i}") for i in range(2)]
    team = "kill-" + uuid.uuid4().hex[:8]
    target = "ipv4:" + ",".join(r.address for r in replicas)
    try:
        report = run_workers_with_fault(target, team, replicas[0].kill)
        assert replicas[1].process.poll() is None, "the survivor kept serving"
    finally:
        for replica in replicas:
            if replica.process.poll() is None:
                replica.terminate()
    problems = check_database(postgres_url, team, report, SETTINGS)
    assert problems == dict.fromkeys(problems, 0), problems
    assert len(report.results) == TOTAL


def _restart_postgres() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
        timeout=120,
    )


def _can_restart_postgres() -> bool:
    return (
        shutil.which("pg_ctlcluster") is not None
        and os.geteuid() == 0
        and os.path.isdir("/etc/postgresql")
    )


@pytest.mark.slow
def test_postgres_restart_under_load_recovers_on_its_own(postgres_url: str, tmp_path: Path) -> None:
    if not _can_restart_postgres():
        if os.environ.get("SIBYL_REQUIRE_POSTGRES") == "1":
            pytest.fail("this test must restart the local PostgreSQL (pg_ctlcluster, as root)")
        pytest.skip("cannot restart the local PostgreSQL here (needs pg_ctlcluster as root)")
    metrics_ports = [free_port() for _ in range(2)]
    replicas = [
        ServerProcess(
            postgres_url,
            tmp_path,
            f"replica-{i}",
            health_check_seconds=0.2,
            metrics_address=f"127.0.0.1:{port}",
        )
        for i, port in enumerate(metrics_ports)
    ]
    team = "restart-" + uuid.uuid4().hex[:8]
    target = "ipv4:" + ",".join(r.address for r in replicas)
    try:
        report = run_workers_with_fault(target, team, _restart_postgres)
        for replica in replicas:
            assert replica.process.poll() is None, "replicas survive a database restart"
            assert _health(replica.address) == health_pb2.HealthCheckResponse.SERVING
        codes = [_answered_codes(port) for port in metrics_ports]
    finally:
        for replica in replicas:
            replica.terminate()
    assert sum(c.get("UNAVAILABLE", 0) for c in codes) > 0, "the outage was answered UNAVAILABLE"
    assert not any(c.get("INTERNAL") for c in codes), codes
    problems = check_database(postgres_url, team, report, SETTINGS)
    assert problems == dict.fromkeys(problems, 0), problems
    assert len(report.results) == TOTAL


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answered_codes(metrics_port: int) -> dict[str, float]:
    """Calls answered per status code, from the replica's Prometheus metrics."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).read()
    codes: dict[str, float] = {}
    for line in text.decode().splitlines():
        match = re.match(r'sibyl_rpc_requests_total\{code="(\w+)",method="\w+"\} (\S+)', line)
        if match:
            codes[match[1]] = codes.get(match[1], 0.0) + float(match[2])
    return codes


def _health(address: str) -> int:
    deadline = time.monotonic() + 10
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while True:
            status = stub.Check(health_pb2.HealthCheckRequest()).status
            if status == health_pb2.HealthCheckResponse.SERVING or time.monotonic() > deadline:
                return status
            time.sleep(0.1)
