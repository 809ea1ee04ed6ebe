"""An embedded PostgreSQL for development and tests when DATABASE_URL is not set.

pgserver ships PostgreSQL binaries in its wheel, so a newcomer needs nothing installed. The data
lives under var/pgdata (git-ignored) and is reused between runs. pgserver counts the processes
that use the server and stops it when the last one exits, so `make test` leaves no orphan.
"""

import logging
from pathlib import Path

# pgserver logs its reference counting at exit, after test runners have closed their streams.
logging.getLogger("pgserver").setLevel(logging.WARNING)

DATABASE_NAME = "arp_portal"


def embedded_database_url(base_dir: Path) -> str:
    import pgserver  # imported lazily: production never needs it

    pgdata = base_dir / "var" / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(DATABASE_NAME)
