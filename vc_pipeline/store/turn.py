"""The store's turn: one run (or, under a multi-process executor, one step) works on a DuckDB file
at a time, across processes.

Dagster's `duckdb` pool is meant to give that, but on the SQLite instance storage `make dev` uses,
its slot claim is a read then an update with no guard: two runs started within milliseconds both
got the one slot (seen in CI). An OS file lock beside the store is atomic and is released by the
kernel when its holder dies, so a killed run never leaves the store locked.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vc_pipeline.store.tables import StoreBusy


def turn_lock_path(database: str | Path) -> Path:
    """The lock file beside the store: `<database>.turn`."""
    return Path(f"{database}.turn")


def _write_holder(fd: int) -> None:
    # the holder's PID goes into the lock file, so a waiter that gives up can say who holds it
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)  # lseek + write, not pwrite: Windows has no pwrite
    os.write(fd, str(os.getpid()).encode())


def _holder(path: Path) -> str:
    try:
        pid = path.read_text().strip()
    except OSError:
        return "an unknown process"
    return f"process {pid}" if pid.isdigit() else "an unknown process"


@contextmanager
def store_turn(database: str | Path, *, wait_seconds: float) -> Iterator[None]:
    """Hold the store's turn while the block runs, waiting up to `wait_seconds` for it; raises
    StoreBusy naming the holder when the wait runs out. Re-entrant within one thread."""
    from filelock import FileLock, Timeout  # used by the runs only, not when loading definitions

    path = turn_lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    # one lock object per path in this process, so a nested turn counts up instead of blocking itself
    lock = FileLock(path, is_singleton=True, on_acquired=_write_holder)
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        raise StoreBusy(
            f"{database}: {_holder(path)} has had the store's turn for over {wait_seconds:.0f} s "
            f"(lock {path}). Wait for that run to finish, or stop it in the Dagster UI."
        ) from None
    try:
        yield
    finally:
        lock.release()
