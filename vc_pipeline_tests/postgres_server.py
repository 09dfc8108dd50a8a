"""A real PostgreSQL server for tests: Debian's `initdb` and `pg_ctl` on a loopback port, in a
temporary folder, stopped and removed afterwards (`make test` installs the server when missing)."""

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vc_pipeline_tests.dagster_ui import free_port

USER, PASSWORD, DATABASE = "vc", "vc-test-password", "dagster"


def postgres_bin() -> Path:
    """The folder of the server's programs: Debian's /usr/lib/postgresql/<version>/bin, else PATH's."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path is None:
        raise RuntimeError("no PostgreSQL server (pg_ctl); `make test` installs Debian's postgresql")
    return Path(on_path).parent


@contextmanager
def postgres_server() -> Iterator[dict[str, str]]:
    """Start a fresh server; yields the DAGSTER_PG_* settings of its `dagster` database."""
    import psycopg2

    # initdb refuses to run as root: then the server runs as Debian's `postgres` user
    as_root = os.geteuid() == 0
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="vc-postgres-"))
    folder.chmod(0o755)
    password_file = folder / "password"
    password_file.write_text(PASSWORD)
    if as_root:
        shutil.chown(folder, "postgres")
        shutil.chown(password_file, "postgres")
    programs, data, port = postgres_bin(), folder / "data", free_port()
    subprocess.run([*run_as, str(programs / "initdb"), "-D", str(data), "-U", USER, "-E", "UTF8", "--auth-local=trust",
                    "--auth-host=scram-sha-256", f"--pwfile={password_file}"], check=True, capture_output=True)
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {folder}"
    subprocess.run([*run_as, str(programs / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w",
                    "-o", options, "start"], check=True, capture_output=True)
    try:
        connection = psycopg2.connect(host="127.0.0.1", port=port, user=USER, password=PASSWORD, dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {DATABASE}")
        connection.close()
        yield {"DAGSTER_PG_HOST": "127.0.0.1", "DAGSTER_PG_PORT": str(port), "DAGSTER_PG_USERNAME": USER,
               "DAGSTER_PG_PASSWORD": PASSWORD, "DAGSTER_PG_DB": DATABASE}
    finally:
        subprocess.run([*run_as, str(programs / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
