"""Sessions in the database (without Redis), read with one query compiled once.

Django's database store builds its query through the ORM on every request of a signed-in
reader, which costs more Python than the database needs to answer it. This store reads
the same row with the same conditions (the key, not expired: `Now()` is the database's
clock, stored in UTC like `expire_date`) through community.prepared; writing, creating
and deleting sessions are Django's own."""

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
