"""Container health check: exit 0 when a Sibyl server's gRPC health service says SERVING.

The image runs it as its HEALTHCHECK; compose uses it too, and so can a Kubernetes exec
probe where the native gRPC probe cannot be used (it speaks neither TLS nor tokens):

    python /opt/sibyl/healthcheck.py [--address HOST:PORT] [--service NAME] [--timeout S]

--address defaults to the port of SIBYL_ADDRESS on 127.0.0.1 (a wildcard host such as
0.0.0.0 is checked on loopback). --service defaults to sibyl.v1.StudyService, which is
SERVING only while the server can answer calls; "" is the server process as a whole.
When SIBYL_TLS_CERT_FILE is set the check speaks TLS, trusting SIBYL_HEALTHCHECK_CA_FILE
(default: the server's own certificate, right when it is self-signed) and expecting the
name SIBYL_HEALTHCHECK_TLS_NAME (default: localhost) in the certificate.
Exit status: 0 SERVING; 1 anything else (NOT_SERVING, refused, timed out), with the reason
on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

DEFAULT_ADDRESS = "0.0.0.0:50051"
DEFAULT_SERVICE = "sibyl.v1.StudyService"
WILDCARD_HOSTS = ("", "0.0.0.0", "[::]", "::", "*")


def target_address(listen_address: str) -> str:
    """Where to reach a server that listens on `listen_address` from inside its container."""
    host, _, port = listen_address.rpartition(":")
    return f"{'127.0.0.1' if host in WILDCARD_HOSTS else host}:{port}"


def open_channel(address: str, environ: Mapping[str, str]) -> grpc.Channel:
    """A plaintext channel, or a TLS one when the server is configured with a certificate."""
    cert_file = environ.get("SIBYL_TLS_CERT_FILE", "")
    if not cert_file:
        return grpc.insecure_channel(address)
    ca_file = environ.get("SIBYL_HEALTHCHECK_CA_FILE") or cert_file
    credentials = grpc.ssl_channel_credentials(root_certificates=Path(ca_file).read_bytes())
    name = environ.get("SIBYL_HEALTHCHECK_TLS_NAME", "localhost")
    return grpc.secure_channel(address, credentials, [("grpc.ssl_target_name_override", name)])


def check(address: str, service: str, timeout: float, environ: Mapping[str, str]) -> str | None:
    """None when `service` is SERVING at `address`, else what is wrong."""
    try:
        with open_channel(address, environ) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            request = health_pb2.HealthCheckRequest(service=service)
            response = stub.Check(request, timeout=timeout)
    except grpc.RpcError as error:
        return f"{error.code().name}: {error.details()}"
    except OSError as error:
        return f"cannot read the TLS certificate: {error}"
    if response.status != health_pb2.HealthCheckResponse.SERVING:
        return health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
    return None


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(description="Exit 0 when Sibyl's health is SERVING.")
    parser.add_argument(
        "--address", default=target_address(environ.get("SIBYL_ADDRESS") or DEFAULT_ADDRESS)
    )
    parser.add_argument("--service", default=DEFAULT_SERVICE)
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds")
    args = parser.parse_args(argv)
    problem = check(args.address, args.service, args.timeout, environ)
    if problem is not None:
        print(f"unhealthy: {args.address} service {args.service!r}: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
