"""Django's database sessions, in one round trip per operation.

The survey intake reads its session on every page and writes it on every answer, so the
session table is most of the intake's work (docs/adr/013-lean-session-store.md). This store keeps
Django's table, encoding, expiry and semantics, and only changes how it talks to Postgres:

- load is one SELECT of the data column (Django builds a model instance);
- create is one INSERT ... ON CONFLICT DO NOTHING (Django asks whether a random key exists
  first, then inserts inside a transaction: four round trips);
- save is one UPDATE (Django wraps it in BEGIN and COMMIT); a session deleted meanwhile, say by
  signing out in another tab, is not brought back: the update finds no row and raises
  UpdateError, as Django's does;
- delete is one DELETE (Django fetches the row first).
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    def _cursor(self):
        return connections[router.db_for_write(self.model)].cursor()

    @property
    def _table(self) -> str:
        return self.model._meta.db_table

    def load(self) -> dict:
        key = self.session_key
        if key is None:
            return {}
        with self._cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {self._table}"
                " WHERE session_key = %s AND expire_date > %s",
                [key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])

    def create(self) -> None:
        while True:
            self._session_key = get_random_string(32, VALID_KEY_CHARS)
            try:
                self.save(must_create=True)
            except CreateError:
                continue  # the key was taken: another random one
            self.modified = True
            return

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        # SessionBase._get_session is Django's (the _session property's getter), missing from
        # django-stubs' SessionBase.
        session = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        data = self.encode(session)
        expires = self.get_expiry_date()
        with self._cursor() as cursor:
            if must_create:
                cursor.execute(
                    f"INSERT INTO {self._table} (session_key, session_data, expire_date)"
                    " VALUES (%s, %s, %s) ON CONFLICT (session_key) DO NOTHING",
                    [self.session_key, data, expires],
                )
                if cursor.rowcount != 1:
                    raise CreateError
            else:
                cursor.execute(
                    f"UPDATE {self._table} SET session_data = %s, expire_date = %s"
                    " WHERE session_key = %s",
                    [data, expires, self.session_key],
                )
                if cursor.rowcount != 1:
                    raise UpdateError

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        with self._cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {self._table} WHERE session_key = %s",
                [session_key],
            )
