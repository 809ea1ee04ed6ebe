"""Values a busy page reads on every request but that change rarely, kept in this process for a
few seconds: the survey an intake page belongs to, and whether demo data is loaded.

Each process keeps its own copy, so a change made through another process is seen within the
cache's lifetime; a change made in this process (a model saved, demo data loaded) clears it at
once. Nothing here may decide anything that must be exact: the survey intake, for one, checks
the survey afresh before it stores a response.
"""

import time
from collections.abc import Callable, Hashable
from typing import Any

_ALL: list["TimedCache"] = []


class TimedCache:
    def __init__(self, seconds: float, max_entries: int = 256):
        self.seconds = seconds
        self.max_entries = max_entries
        self._values: dict[Hashable, tuple[float, Any]] = {}
        _ALL.append(self)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        now = time.monotonic()
        found = self._values.get(key)
        if found is not None and found[0] > now:
            return found[1]
        value = compute()
        if self.seconds > 0:
            if len(self._values) >= self.max_entries:
                self._values.clear()
            self._values[key] = (now + self.seconds, value)
        return value

    def forget(self, key: Hashable) -> None:
        self._values.pop(key, None)

    def clear(self) -> None:
        self._values.clear()


def clear_all() -> None:
    """Forget every cached value in this process (tests call this between tests)."""
    for cache in _ALL:
        cache.clear()
