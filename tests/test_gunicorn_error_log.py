"""gunicorn's error log records no client address for a malformed request (issue 11, point 7),
under the project's gunicorn.conf.py, with a real gunicorn and a real malformed request."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

PORT = 8351


def _wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def test_a_malformed_request_is_logged_without_the_client_address(tmp_path):
    error_log = tmp_path / "error.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_WORKERS": "1",
        "DJANGO_DEBUG": "true",
    }
    server = subprocess.Popen(
        [
            str(gunicorn),
            "arp_portal.wsgi",
            "-c",
            "gunicorn.conf.py",
            "--error-logfile",
            str(error_log),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(PORT)
        with socket.create_connection(("127.0.0.1", PORT), timeout=5) as connection:
            connection.sendall(b"NOT A REQUEST LINE\r\n\r\n")
            reply = connection.recv(1024)
        assert reply.startswith(b"HTTP/1.1 400")
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    log = error_log.read_text()
    assert "Invalid request" in log
    assert "127.0.0.1:" not in log.split("Listening at", 1)[-1].split("\n", 1)[-1]
    assert "ip=" not in log
