"""The committed generated code is exactly what proto/ generates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "client" / "sibyl" / "v1"


def test_generated_code_is_up_to_date(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_proto.py"), "--out", str(tmp_path)],
        check=True,
    )
    fresh = tmp_path / "sibyl" / "v1"
    names = sorted(p.name for p in fresh.iterdir() if p.is_file())
    assert names == sorted(
        p.name for p in COMMITTED.iterdir() if p.is_file() and p.suffix != ".pyc"
    )
    stale = [n for n in names if (fresh / n).read_bytes() != (COMMITTED / n).read_bytes()]
    assert not stale, f"regenerate with: python scripts/generate_proto.py ({stale})"
    assert any(n.endswith(".pyi") for n in names), "type stubs are generated"


def test_every_proto_field_and_message_is_documented() -> None:
    """Each field, enum value, message and RPC has a comment on the line(s) above it."""
    undocumented = []
    for proto in sorted((ROOT / "proto" / "sibyl" / "v1").glob("*.proto")):
        lines = proto.read_text().splitlines()
        for number, line in enumerate(lines):
            text = line.strip()
            is_field = text.endswith(";") and "=" in text and not text.startswith(("option", "//"))
            is_declaration = text.startswith(("message ", "enum ", "rpc ", "service ", "oneof "))
            if not (is_field or is_declaration) or text.startswith(("syntax", "package")):
                continue
            if text.startswith("message ") and text.endswith("{}"):
                continue  # empty responses say nothing more than their RPC
            above = lines[number - 1].strip() if number else ""
            request_or_response = text.startswith("message ") and (
                "Request" in text or "Response" in text
            )
            if not above.startswith("//") and not request_or_response:
                undocumented.append(f"{proto.name}:{number + 1}: {text}")
    assert not undocumented, "\n".join(undocumented)
