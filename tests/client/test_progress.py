"""The progress bar of `sibyl.optimize`: drawn on a terminal, quiet elsewhere, and the
per-trial lines when tqdm is missing. The terminal is a real pseudo-terminal."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios

import pytest

import sibyl
from tests.support.servers import ServerThread

SCRIPT = """
import sys
{before}
import sibyl
study = sibyl.connect({address!r}).create_study({study_id!r}, sibyl.StudySpec(
    [sibyl.Double("x", -2.0, 2.0)], [sibyl.Metric("loss")], algorithm="random_search", seed=0))
sibyl.optimize(lambda trial: (trial.parameters["x"] - 0.5) ** 2, study, n_trials=4)
"""


@pytest.fixture(scope="module")
def store_url(sqlite_url: str) -> str:
    return sqlite_url


def on_a_terminal(code: str) -> str:
    """What `code` writes to its stderr, a pseudo-terminal (stdout is discarded)."""
    leader, follower = pty.openpty()
    # 24 rows of 160 columns: a fresh pseudo-terminal has no size, and tqdm fits the bar to it.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 160, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=120) == 0, b"".join(chunks).decode()
    return b"".join(chunks).decode(errors="replace")


def test_a_terminal_gets_a_bar_with_the_best_value(server: ServerThread, unique_id: str) -> None:
    output = on_a_terminal(SCRIPT.format(before="", address=server.address, study_id=unique_id))
    assert "4/4" in output and "best loss=" in output
    assert "sibyl: trial" not in output  # no per-trial lines under the bar


def test_without_tqdm_a_terminal_gets_the_lines(server: ServerThread, unique_id: str) -> None:
    hide = "sys.modules['tqdm'] = None  # as if it were not installed"
    output = on_a_terminal(SCRIPT.format(before=hide, address=server.address, study_id=unique_id))
    assert output.count("sibyl: trial") == 4 and "4/4 done" in output


def test_a_bar_draws_nothing_on_a_file_that_is_not_a_terminal(
    client: sibyl.Client, unique_id: str
) -> None:
    study = client.create_study(
        unique_id, sibyl.StudySpec([sibyl.Double("x", 0, 1)], [sibyl.Metric("y")])
    )
    file = io.StringIO()
    result = sibyl.optimize(
        lambda t: t.parameters["x"], study, n_trials=2, progress=sibyl.ProgressBar(file=file)
    )
    assert len(result.trials) == 2 and file.getvalue() == ""
