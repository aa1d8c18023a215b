"""What the cached overviews of organisations are keyed by, read from the database on
every request in one prepared query (core.prepared, core.cache): a change made through
one worker must show at once in the others, whose caches are their own."""

from django.db.models import Count, Sum, Value

from core.prepared import Prepared

from .models import Organisation

#: Every organisation's `version` (raised by an edit and by every member who joins or
#: leaves it: organisations.services.organisations_changed) and how many there are.
#: One row, over a few thousand organisations.
_list_versions = Prepared(
    lambda: (
        Organisation.objects.order_by()
        .annotate(whole=Value(1))
        .values("whole")
        .annotate(count=Count("pk"), versions=Sum("version"))
        .values_list("count", "versions")
    )
)


def list_version() -> tuple:
    """The key parts of the overviews (`_list_versions`)."""
    return tuple(_list_versions.first() or ())
