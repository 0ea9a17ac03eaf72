"""Where the database is: DATABASE_URL, else the embedded PostgreSQL started by `config.devdb`.

Settings never start a server themselves (every worker would): the launcher writes the embedded
server's URL to `.data/database_url`, and settings only read it.
"""

from pathlib import Path
from urllib.parse import unquote

EMBEDDED_URL_FILE = ".data/database_url"


def database_url(env, base_dir: Path) -> str:
    url = env("DATABASE_URL", default="")
    if url:
        return url
    path = base_dir / EMBEDDED_URL_FILE
    if path.exists():
        return path.read_text().strip()
    # Nothing configured: a URL that fails with a clear message (see manage.py).
    return "postgres://postgres@%2Fnonexistent-run-make-db/yundian"


def database_config(env, base_dir: Path) -> dict:
    config = env.db_url_config(database_url(env, base_dir))
    # A Unix socket directory arrives percent-encoded in the host part (libpq's URI form).
    config["HOST"] = unquote(config.get("HOST") or "")
    config["ENGINE"] = "django_tenants.postgresql_backend"
    # Persistent connections: opening one per request costs 5x (STACK-NOTES.md).
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    config.setdefault("OPTIONS", {})["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    config["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default="test_yundian")}
    return config
