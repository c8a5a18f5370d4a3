"""A throwaway PostgreSQL cluster for the tests, and a fresh database per test.

`TEST_DATABASE_URL` names a server to use (a role that may CREATE DATABASE); otherwise, when
Debian's `postgresql` package is installed, a cluster is started in a temporary folder on a
free local port, as the unprivileged user `nobody` when the tests run as root (initdb
refuses root), and removed at the end. Without either the PostgreSQL leg skips, saying why.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from storage import Storage
from storage.db import Database

TEMPLATE = "wub_template"
MIGRATED_AT = datetime(2026, 1, 1, tzinfo=UTC)
_FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"


class Unavailable(Exception):
    """No PostgreSQL server can be had: the reason is the message."""


def find_bindir() -> Path | None:
    """Return the bin folder of the newest installed PostgreSQL, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """One initdb'd data folder and its running server."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="wub-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.folder, nobody.pw_uid, nobody.pw_gid)
            self._as_user = ["runuser", "-u", "nobody", "--"]

    @property
    def url(self) -> str:
        """Return the URL of the server's maintenance database."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        result = subprocess.run(
            [*self._as_user, *command], capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            raise Unavailable(f"{Path(command[0]).name} failed: {result.stderr.strip()[-500:]}")

    def start(self) -> None:
        """Create the cluster (C locale, trust on localhost) and start it."""
        initdb, pg_ctl = str(self.bindir / "initdb"), str(self.bindir / "pg_ctl")
        self._run(initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 {_FAST}"
        self._run(pg_ctl, "-D", str(self.data), "-l", str(self.folder / "server.log"),
                  "-o", options, "-w", "start")  # fmt: skip

    def stop(self) -> None:
        """Stop the server at once and delete its folder."""
        subprocess.run(
            [*self._as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data),
             "-m", "immediate", "stop"],
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


class Server:
    """A PostgreSQL server the tests may create and drop databases on."""

    def __init__(self, url: str, cluster: Cluster | None = None) -> None:
        self.url = url
        self.cluster = cluster
        self._names = itertools.count(1)
        self._template_ready = False
        self._shared: str | None = None
        self._reset: list[tuple[str, tuple[Any, ...]]] = []

    def database_url(self, name: str) -> str:
        """Return the URL of a database on this server."""
        return self.url.rsplit("/", 1)[0] + "/" + name

    async def _admin(self, sql: str) -> None:
        connection = await asyncpg.connect(self.url)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    async def create_database(self, migrated: bool = True) -> str:
        """Create a fresh database (migrated, from a template made once) and return its URL."""
        if migrated and not self._template_ready:
            await self._admin(f"DROP DATABASE IF EXISTS {TEMPLATE}")
            await self._admin(f"CREATE DATABASE {TEMPLATE}")
            storage = await Storage.open(self.database_url(TEMPLATE), MIGRATED_AT)
            await storage.close()
            self._template_ready = True
        name = f"wub_test_{os.getpid()}_{next(self._names)}"
        template = f" TEMPLATE {TEMPLATE} STRATEGY FILE_COPY" if migrated else ""
        await self._admin(f"CREATE DATABASE {name}{template}")
        return self.database_url(name)

    async def shared_database(self) -> str:
        """Return the URL of the session's test database, migrated once, emptied by reset()."""
        if self._shared is None:
            url = await self.create_database(migrated=False)
            storage = await Storage.open(url, MIGRATED_AT)
            try:
                self._reset = await reset_statements(storage.db)
            finally:
                await storage.close()
            self._shared = url
        return self._shared

    async def reset(self, db: Database) -> None:
        """Bring the shared database back to just-migrated: no rows but the migrations' own.

        Emptying ~20 small tables takes milliseconds where a new database takes a tenth of
        a second, which over a thousand tests is the difference that matters.
        """
        async with db.transaction():
            for sql, params in self._reset:
                await db.execute(sql, params)

    async def drop_database(self, url: str) -> None:
        """Drop a database made by create_database (closing what still uses it)."""
        name = url.rsplit("/", 1)[1]
        await self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def start_server() -> Server:
    """Use TEST_DATABASE_URL, or start a throwaway cluster; raise Unavailable with a reason."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        return Server(configured)
    bindir = find_bindir()
    if bindir is None:
        raise Unavailable(
            "PostgreSQL is not installed (apt-get install postgresql) and TEST_DATABASE_URL"
            " is not set"
        )
    cluster = Cluster(bindir)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return Server(cluster.url, cluster)


async def reset_statements(db: Database) -> list[tuple[str, tuple[Any, ...]]]:
    """Return the statements that empty a just-migrated database and put its seed rows back."""
    tables = [
        str(row[0])
        for row in await db.fetch_all(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            " AND c.relname <> 'schema_version' ORDER BY c.oid DESC"
        )
    ]
    statements: list[tuple[str, tuple[Any, ...]]] = [(f"DELETE FROM {t}", ()) for t in tables]
    # Emptied newest first, refilled oldest first: a seed row's parent is back before it.
    for table in reversed(tables):
        rows = await db.fetch_all(f"SELECT * FROM {table}")
        for row in rows:
            columns = list(row.keys())
            marks = ", ".join("?" for _ in columns)
            statements.append(
                (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", tuple(row))
            )
        sequence = await db.fetch_value(
            "SELECT pg_get_serial_sequence(table_name, 'id') FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ? AND column_name = 'id'",
            (table,),
        )
        if sequence is not None:
            highest = f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"
            statements.append((f"SELECT setval(?, ({highest}), false)", (sequence,)))
    return statements
