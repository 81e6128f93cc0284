"""Servers the end-to-end tests start for real: a subprocess on a free 127.0.0.1 port.

:func:`running_server` starts a command (its ``{port}`` placeholders filled in), waits until
an HTTP GET of the ready path answers 200, yields a :class:`Server`, and stops the process
group afterwards; when the process exits or never gets ready, the failure carries its output.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Server", "free_port", "running_server"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A started server: its base URL, its process and the file its output goes to."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-6000:]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@contextlib.contextmanager
def running_server(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    ready_path: str = "/",
    timeout: float = 180,
) -> Iterator[Server]:
    """Run ``command`` (``{port}`` replaced by a free port) until the block ends."""
    port = free_port()
    args = [part.replace("{port}", str(port)) for part in command]
    url = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile(prefix="server-", suffix=".log", delete=False) as log_file:
        log = Path(log_file.name)
    with log.open("wb") as sink:
        process = subprocess.Popen(
            args,
            cwd=cwd,
            env=dict(env),
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopped with all its children
        )
    server = Server(url, process, log)
    try:
        deadline = time.monotonic() + timeout
        while not _answers(url + ready_path):
            if process.poll() is not None:
                raise AssertionError(
                    f"{' '.join(args)} exited ({process.returncode}) before answering "
                    f"{ready_path}:\n{server.output()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{' '.join(args)} did not answer {ready_path} in {timeout:.0f} s:\n"
                    f"{server.output()}"
                )
            time.sleep(0.3)
        yield server
    finally:
        _stop(process)
        log.unlink(missing_ok=True)
