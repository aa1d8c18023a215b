"""Whether the tests whose servers share PostgreSQL and Redis (scale-out, faults) can
run here, and the marks that skip them where they cannot."""

import os

import pytest

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")

SHARED_SERVICES = DATABASE_URL.startswith(("postgres://", "postgresql://")) and bool(REDIS_URL)
# CI sets SCALEOUT_REQUIRED in the PostgreSQL pass: there a skip would hide a failure.
REQUIRED = os.environ.get("SCALEOUT_REQUIRED") == "1"


def shared_services_marks(needs: str) -> list:
    """The marks of a module whose servers share PostgreSQL and Redis: `scaleout`, and
    skipped where those are not set up (never when SCALEOUT_REQUIRED); `needs` says
    what needs them."""
    return [
        pytest.mark.scaleout,
        pytest.mark.skipif(
            not (SHARED_SERVICES or REQUIRED),
            reason=f"{needs}: runs in `make test-postgres` (DATABASE_URL on PostgreSQL, "
            "REDIS_URL set)",
        ),
    ]
