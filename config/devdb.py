"""Launcher for the database: the embedded PostgreSQL (pgserver) unless DATABASE_URL is set.

    python -m config.devdb run -- CMD ...   ensure the database is up, then run CMD with DATABASE_URL
    python -m config.devdb start            start the embedded server (idempotent), print its URL
    python -m config.devdb stop             stop the embedded server
    python -m config.devdb check            say in one line whether the database can be reached

The embedded server is started once, here, with no automatic cleanup, and stopped explicitly;
workers and commands only receive its URL (see STACK-NOTES.md for why never from settings).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"
PGDATA = DATA_DIR / "pg"
URL_FILE = DATA_DIR / "database_url"
DB_NAME = "yundian"


def _fail(message: str) -> None:
    print(f"yundian: {message}", file=sys.stderr)
    raise SystemExit(2)


def _check(url: str) -> None:
    import psycopg

    # psycopg does not read Django's postgres:// host-in-path form with %2F; normalise the socket form.
    try:
        with psycopg.connect(_libpq_url(url), connect_timeout=5) as conn:
            conn.execute("select 1")
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        _fail(f"cannot reach the database at {_redacted(url)}: {reason}")


def _libpq_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _redacted(url: str) -> str:
    if "@" in url and ":" in url.split("@", 1)[0].split("//", 1)[-1]:
        scheme, rest = url.split("//", 1)
        creds, host = rest.split("@", 1)
        return f"{scheme}//{creds.split(':', 1)[0]}:***@{host}"
    return url


def start() -> str:
    """Start the embedded server if it is not running; create the database; return its URL."""
    import warnings

    warnings.filterwarnings("ignore", module="platformdirs")
    import pgserver

    DATA_DIR.mkdir(exist_ok=True)
    server = pgserver.get_server(PGDATA, cleanup_mode=None)
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir) if info and info.socket_dir else str(PGDATA)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DB_NAME};")
    url = f"postgres://postgres@{quote(socket_dir, safe='')}:5432/{DB_NAME}"
    URL_FILE.write_text(url + "\n")
    return url


def stop() -> None:
    if not (PGDATA / "postmaster.pid").exists():
        print("embedded database is not running")
        return
    import pgserver

    server = pgserver.get_server(PGDATA, cleanup_mode=None)
    pg_ctl = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_ctl"
    cmd = [str(pg_ctl), "-D", str(PGDATA), "-m", "fast", "-w", "stop"]
    if os.geteuid() == 0 and server.system_user:
        cmd = ["su", server.system_user, "-s", "/bin/sh", "-c", " ".join(cmd)]
    subprocess.run(cmd, check=False)
    URL_FILE.unlink(missing_ok=True)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        _check(url)
        return url
    try:
        url = start()
    except Exception as exc:
        _fail(f"cannot start the embedded PostgreSQL under {PGDATA}: {exc}")
    _check(url)
    return url


def main(argv: list[str]) -> None:
    if not argv:
        _fail(__doc__)
    command, rest = argv[0], argv[1:]
    if command == "start":
        print(database_url())
    elif command == "stop":
        stop()
    elif command == "check":
        print(f"database reachable: {_redacted(database_url())}")
    elif command == "run":
        if rest[:1] == ["--"]:
            rest = rest[1:]
        env = dict(os.environ, DATABASE_URL=database_url())
        os.execvpe(rest[0], rest, env)
    else:
        _fail(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
