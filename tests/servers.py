"""Start a server process for a test and stop it for sure: its own process group, SIGTERM, then
SIGKILL, until no process of the group is left, so nothing keeps running even when a server's
child ignores SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rag.config import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, read from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after its ")".
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while being read
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def stop(proc: subprocess.Popen[Any], grace_s: float = 15) -> None:
    """Stop the whole process group, children included: `milvus-server` exits on SIGTERM at once
    while its `milvus run standalone` child ignores it for over a minute, so waiting for the
    parent alone would leave the child running."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline:
            proc.poll()  # reap our own child, so it does not count as alive
            if not group_members(proc.pid):
                break
            time.sleep(0.1)
        else:
            continue
        break
    proc.wait(timeout=grace_s)


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
def serving(
    command: Sequence[str], ready_url: str, log: Path, timeout_s: float = 180, grace_s: float = 15
) -> Iterator[None]:
    """Run `command` until `ready_url` answers 200, and stop it afterwards whatever happens."""
    with log.open("wb") as out:
        proc = subprocess.Popen(list(command), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(ready_url, proc, log, time.monotonic() + timeout_s)
        yield
    finally:
        stop(proc, grace_s)


@contextmanager
def openai_server(command: Callable[[int], Sequence[str]], log: Path) -> Iterator[str]:
    """An OpenAI-compatible server started as `command(port)` on a free loopback port; yields its /v1 URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    with serving(command(port), f"{base_url}/models", log):
        yield base_url


@contextmanager
def milvus_server(data_dir: Path, log: Path) -> Iterator[str]:
    """A standalone Milvus 2.3 server (PyPI's `milvus`, the [milvus] extra) on a free port; yields its URI.

    Its other ports (etcd, coordinators) are picked free by milvus-server itself; only the
    metrics port (9091) is fixed.
    """
    port = free_port()
    command = [str(Path(sys.executable).with_name("milvus-server")), "--data", str(data_dir), "--proxy-port", str(port)]
    # The proxy serves its REST API on the gRPC port once it is up: a 200 there means ready.
    # Its data is a test's temporary folder: no need to wait out the SIGTERM it ignores.
    with serving(command, f"http://127.0.0.1:{port}/v1/vector/collections", log, grace_s=3):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def llama_server(settings: Settings, log: Path, alias: str) -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server over the provisioned GGUF, serving it as `alias`."""
    from embeddings.factory import resolve_model_location

    model = resolve_model_location(settings.llm.model, settings.models_dir)

    def command(port: int) -> list[str]:
        return [
            sys.executable, "-m", "llama_cpp.server", "--model", model, "--model_alias", alias,
            "--host", "127.0.0.1", "--port", str(port), "--n_threads", str(settings.llm.threads),
            "--n_ctx", str(settings.llm.context_tokens),
        ]  # fmt: skip

    with openai_server(command, log) as url:
        yield url
