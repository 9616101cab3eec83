"""A throwaway PostgreSQL server for tests: initdb + pg_ctl in a temporary folder on a free port.

PostgreSQL refuses to run as root, and CI runs as root: then the server runs as an
unprivileged user (created if needed) through ``runuser``. Run as a normal user, it
simply runs as that user. The server requires a password over TCP (scram-sha-256), so
tests can check that the password never leaks.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SERVICE_USER = "snaplint-pg"
PASSWORD = "pg-Secret-7d1e0b9c"  # distinctive, so leak checks can look for it


class PostgresUnavailable(RuntimeError):
    pass


def find_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version_key)
    if candidates:
        return candidates[-1]
    raise PostgresUnavailable(
        f"{name} not found (install PostgreSQL; .ci/run does it with apt-get)"
    )


def _version_key(path: str) -> int:
    part = path.split("/")[4]
    return int(part) if part.isdigit() else 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ensure_user() -> str:
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVICE_USER,
            ],
            check=True,
            capture_output=True,
        )
    return SERVICE_USER


@dataclass
class PgServer:
    data_dir: Path
    port: int
    runas: list[str]
    pg_ctl: str
    password: str = PASSWORD
    user: str = "postgres"

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user={self.user} password={self.password} dbname=postgres"

    def env(self) -> dict[str, str]:
        """libpq environment variables pointing at this server."""
        return {
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGDATABASE": "postgres",
        }

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.dsn.replace("dbname=postgres", f"dbname={name}")

    def stop(self) -> None:
        subprocess.run(
            [*self.runas, self.pg_ctl, "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def start() -> PgServer:
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    base = Path(tempfile.mkdtemp(prefix="snaplint-pg-"))
    data = base / "data"
    runas: list[str] = []
    if os.geteuid() == 0:
        user = _ensure_user()
        runas = ["runuser", "-u", user, "--"]
        entry = pwd.getpwnam(user)
        os.chown(base, entry.pw_uid, entry.pw_gid)
    os.chmod(base, 0o755)
    pwfile = base / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if runas:
        entry = pwd.getpwnam(SERVICE_USER)
        os.chown(pwfile, entry.pw_uid, entry.pw_gid)
    init = subprocess.run(
        [
            *runas,
            initdb,
            "-D",
            str(data),
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            f"--pwfile={pwfile}",
        ],
        capture_output=True,
        text=True,
    )
    if init.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        raise PostgresUnavailable(f"initdb failed: {init.stderr.strip()}")
    port = _free_port()
    options = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    )
    started = subprocess.run(
        [
            *runas,
            pg_ctl,
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(base / "log"),
            "-w",
            "-t",
            "60",
            "start",
        ],
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:
        log = (base / "log").read_text() if (base / "log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        raise PostgresUnavailable(f"pg_ctl start failed: {started.stderr.strip()} {log[-2000:]}")
    server = PgServer(data, port, runas, pg_ctl)
    _wait_ready(server)
    return server


def _wait_ready(server: PgServer, timeout: float = 30) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(server.dsn, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
