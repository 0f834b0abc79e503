"""Generates the Python code of proto/ into the client package (client/sibyl/v1).

Usage: python scripts/generate_proto.py [--out DIR]
The generated files are committed; tests/client/test_generated_code.py regenerates
them into a temporary folder and fails on any difference.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import grpc_tools
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[1]
PROTO_ROOT = ROOT / "proto"
DEFAULT_OUT = ROOT / "client"
HEADER = '"""Generated from proto/sibyl/v1 by scripts/generate_proto.py. Do not edit."""\n'


def proto_files() -> list[Path]:
    return sorted((PROTO_ROOT / "sibyl" / "v1").glob("*.proto"))


def generate(out: Path) -> None:
    """Writes *_pb2.py, *_pb2.pyi and *_pb2_grpc.py for every proto file under `out`."""
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    package_dir = out / "sibyl" / "v1"
    package_dir.mkdir(parents=True, exist_ok=True)
    args = [
        "grpc_tools.protoc",
        f"-I{PROTO_ROOT}",
        f"-I{well_known}",
        f"--python_out={out}",
        f"--pyi_out={out}",
        f"--grpc_python_out={out}",
        *[str(path.relative_to(PROTO_ROOT)) for path in proto_files()],
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    (package_dir / "__init__.py").write_text(HEADER)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    generate(parser.parse_args(argv).out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
