"""Sessions in the database (without Redis), read with one query compiled once.

Django's database store builds its query through the ORM on every request of a signed-in
reader, which costs more Python than the database needs to answer it. This store reads
the same row with the same conditions (the key, not expired: `Now()` is the database's
clock, stored in UTC like `expire_date`) through core.prepared; writing, creating
and deleting sessions are Django's own."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models.functions import Now

from .prepared import Prepared

_session_data = Prepared(
    lambda key: Session.objects.filter(session_key=key, expire_date__gt=Now()).values_list(
        "session_data"
    )
)


class SessionStore(db.SessionStore):
    def load(self):
        row = _session_data.first(key=self.session_key) if self.session_key else None
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])


def signed_in_session(user) -> str:
    """A new session for `user` in the configured store, signed in as a login leaves it
    (through the first backend), for what signs members in without a request: the
    benchmark, the load test, tests. Returns its key (the session cookie's value)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key
