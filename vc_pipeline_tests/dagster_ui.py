"""`dagster dev` (webserver and daemon) started on loopback against a temporary store, for UI tests."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DAGSTER = Path(sys.executable).with_name("dagster")
RUN_STATUS = "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"
LOCATION_LOADED = '{ workspaceOrError { ... on Workspace { locationEntries { name locationOrLoadError { __typename } } } } }'


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def graphql(base_url: str, query: str, variables: dict | None = None) -> dict:
    """One query against the webserver's GraphQL endpoint; the `data` part of the answer."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(f"{base_url}/graphql", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)["data"]


def _location_loaded(base_url: str) -> bool:
    try:
        entries = graphql(base_url, LOCATION_LOADED)["workspaceOrError"]["locationEntries"]
    except OSError:
        return False
    return any(e["locationOrLoadError"] and e["locationOrLoadError"]["__typename"] == "RepositoryLocation"
               for e in entries)


@contextmanager
def dagster_dev(folder: Path, env: dict[str, str], timeout: float = 180.0,
                instance: Path = REPO / "dagster.yaml") -> Iterator[str]:
    """Run `dagster dev` with `DAGSTER_HOME=<folder>/home` (`instance` as its dagster.yaml: the
    repo's by default) and `env` on top.

    Yields the base URL once the code location has loaded; stops the webserver, daemon and code
    server on exit. The log is `<folder>/dagster-dev.log`, named in any start-up failure.
    """
    home = folder / "home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(instance, home / "dagster.yaml")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = folder / "dagster-dev.log"
    full_env = {**os.environ, "DAGSTER_HOME": str(home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **env}
    with open(log_path, "wb") as log:
        # its own process group, so the daemon and code server stop with it
        process = subprocess.Popen([str(DAGSTER), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
                                   cwd=REPO, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while not _location_loaded(base_url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dagster dev did not come up on {base_url}; log:\n{log_path.read_text()[-4000:]}")
            time.sleep(1)
        yield base_url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
