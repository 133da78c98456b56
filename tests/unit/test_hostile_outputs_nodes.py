"""Outputs that exist and are not regular files (attack report of 2 December, finding 10).

A character device or a FIFO (/dev/null, /dev/stdout, a pipe a script made) is written into in
place, never replaced by a rename (as root, ``export -o /dev/null`` used to replace /dev/null
itself); a FIFO nobody reads is a message, not a hang; a socket or a block device is refused. The
device here is a node made with mknod in tmp_path (the numbers of /dev/null), never /dev/null.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import SESSIONS

STOCKTON = SESSIONS / "stockton-2021"


def cli(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "panel_tui", *map(str, argv)], capture_output=True, text=True, timeout=60
    )


def null_device(path: Path) -> Path:
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("mknod is not permitted here (needs root or CAP_MKNOD)")
    return path


OUTPUTS = {
    "export": lambda out: ["export", STOCKTON, "--format", "md", "-o", out],
    "audit-html": lambda out: ["audit", SESSIONS, "--html", out],
    "audit-xlsx": lambda out: ["audit", SESSIONS, "--xlsx", out],
}


@pytest.mark.parametrize("command", list(OUTPUTS.values()), ids=list(OUTPUTS))
def test_a_null_device_is_written_into_never_replaced(tmp_path, command):
    dev = null_device(tmp_path / "nulldev")
    if "--xlsx" in command(dev):
        pytest.importorskip("openpyxl")
    before = os.lstat(dev)
    r = cli(*command(dev))
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    after = os.lstat(dev)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


def test_a_fifo_with_a_reader_gets_the_record_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    r = cli("export", STOCKTON, "--format", "md", "-o", fifo)
    reader.join(timeout=30)
    assert r.returncode == 0, r.stderr
    assert got and got[0].startswith(b"# Ratings panel record")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_fifo_nobody_reads_is_a_message_not_a_hang(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    r = cli("export", STOCKTON, "--format", "md", "-o", fifo)
    assert r.returncode == 2 and "no program is reading" in r.stderr and "Traceback" not in r.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_socket_is_refused_and_left(tmp_path):
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        r = cli("export", STOCKTON, "--format", "md", "-o", path)
    assert r.returncode == 2 and "is a socket" in r.stderr and "Nothing was written" in r.stderr
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_a_block_device_is_refused_and_left(tmp_path):
    path = tmp_path / "disk"
    try:
        os.mknod(path, 0o600 | stat.S_IFBLK, os.makedev(7, 0))
    except PermissionError:
        pytest.skip("mknod is not permitted here (needs root or CAP_MKNOD)")
    r = cli("audit", SESSIONS, "--html", path)
    assert r.returncode == 2 and "block device" in r.stderr
    assert stat.S_ISBLK(os.lstat(path).st_mode)


def test_dev_stdout_into_a_pipe_is_written_in_place():
    r = cli("export", STOCKTON, "--format", "md", "-o", "/dev/stdout")  # stdout is a pipe here
    assert r.returncode == 0 and r.stdout.startswith("# Ratings panel record"), r.stderr
