"""Start a server process for a test and stop it for sure: its own process group, SIGTERM, then
SIGKILL, so nothing is left running even when the server ignores SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(proc: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            return
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            continue


def wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, deadline: float) -> None:
    """Return once `url` answers 200; raise with the server's log if it exits or `deadline` passes."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)  # polling interval while the server binds its port
    raise TimeoutError(f"{proc.args!r} did not answer at {url}:\n{log.read_text(errors='replace')}")


@contextmanager
def serving(command: Sequence[str], ready_url: str, log: Path, timeout_s: float = 180) -> Iterator[None]:
    """Run `command` until `ready_url` answers 200, and stop it afterwards whatever happens."""
    with log.open("wb") as out:
        proc = subprocess.Popen(list(command), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(ready_url, proc, log, time.monotonic() + timeout_s)
        yield
    finally:
        stop(proc)


@contextmanager
def openai_server(command: Callable[[int], Sequence[str]], log: Path) -> Iterator[str]:
    """An OpenAI-compatible server started as `command(port)` on a free loopback port; yields its /v1 URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    with serving(command(port), f"{base_url}/models", log):
        yield base_url
