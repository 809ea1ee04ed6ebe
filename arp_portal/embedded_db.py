"""An embedded PostgreSQL for development and tests when DATABASE_URL is not set.

pgserver ships PostgreSQL binaries in its wheel, so a newcomer needs nothing installed. The data
lives under var/pgdata (git-ignored) and is reused between runs. pgserver counts the processes
that use the server and stops it when the last one exits, so `make test` leaves no orphan.
"""

import atexit
import json
import logging
import signal
import sys
import threading
import warnings
from pathlib import Path

# pgserver logs its reference counting at exit, after test runners have closed their streams.
logging.getLogger("pgserver").setLevel(logging.WARNING)
# platformdirs (under pgserver) warns when XDG_RUNTIME_DIR is unset, as on CI machines.
warnings.filterwarnings("ignore", module="platformdirs")


def _exit_on_sigterm() -> None:
    """pgserver stops the server from an atexit hook, which SIGTERM would skip: turn SIGTERM into
    a normal exit so `kill` (not only Ctrl-C) leaves no orphan server."""
    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


DATABASE_NAME = "arp_portal"
# PostgreSQL keeps up to max_wal_size (1 GB by default) of write-ahead log before it recycles any.
# A test run creates and drops a database per worker (CREATE DATABASE writes the whole template to
# the log) and loads the demo data, so var/ grew by about 250 MB a run until it reached that
# ceiling; the test databases themselves are dropped. A development server needs little log.
WAL_SETTINGS = {"max_wal_size": "64MB", "min_wal_size": "32MB"}


def _limit_write_ahead_log(server) -> None:
    current = server.psql("SHOW max_wal_size;")
    if WAL_SETTINGS["max_wal_size"] in current:
        return
    for name, value in WAL_SETTINGS.items():
        server.psql(f"ALTER SYSTEM SET {name} = '{value}';")
    # Both settings take effect on reload; the next checkpoint removes the log beyond them.
    server.psql("SELECT pg_reload_conf();")
    server.psql("CHECKPOINT;")


def _forget_dead_processes(pgdata: Path) -> None:
    """pgserver keeps the pids of the processes using the server and stops it when the last one
    exits; a process killed outright (runserver's reloader SIGKILLs its child) never leaves that
    list, and the server would then outlive everyone. Drop pids that no longer run."""
    import psutil
    from pgserver.postgres_server import PostgresServer

    handles = pgdata / ".handle_pids.json"
    with PostgresServer._lock:
        if not handles.exists():
            return
        pids = json.loads(handles.read_text() or "[]")
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def embedded_database_url(base_dir: Path) -> str:
    import pgserver  # imported lazily: production never needs it

    pgdata = base_dir / "var" / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    _forget_dead_processes(pgdata)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    # atexit runs hooks last-in first-out: this runs just before pgserver's own clean-up.
    atexit.register(_forget_dead_processes, pgdata)
    _exit_on_sigterm()
    _limit_write_ahead_log(server)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(DATABASE_NAME)
