# Production app server settings (README, "Running in production").
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = 60
accesslog = "-"
# No client address (%(h)s), user agent (%(a)s) or referrer (%(f)s): the survey's anonymity
# depends on access logs not tying a survey request to a person. Method, path, status, size and
# duration are enough to run the service.
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn's error log names the client of a malformed request ("Invalid request from
# ip=203.0.113.9: ..."); the same rule as the access log applies, so the address is dropped.
from gunicorn.glogging import Logger  # noqa: E402

_INVALID_REQUEST = "Invalid request from ip="


class AddressFreeLogger(Logger):
    def warning(self, msg, *args, **kwargs):
        if isinstance(msg, str) and msg.startswith(_INVALID_REQUEST):
            # An IPv6 address holds colons but never ": ", which ends the address here.
            _, _, error = msg[len(_INVALID_REQUEST) :].partition(": ")
            msg = f"Invalid request: {error}"
        super().warning(msg, *args, **kwargs)


logger_class = AddressFreeLogger
