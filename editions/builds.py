"""The EPUB and the print edition of a published edition, built once and stored.

Building either reads every chapter and story of the edition; at a few thousand stories
that takes longer than a request may. So each is built on its first download and kept in
the default storage under a name made of the edition, its version and the variant
(members or not, and the language of the words around the texts); every later download
is sent from the stored file.

An edition changes after publishing in one way only: erasure
(editions.services.editions_on_account_delete) removes or uncredits a member's stories.
That raises the edition's `version`, so no stored copy of the old rows is served again,
and, once the change is committed, deletes the stored copies of the edition, so the
erased text does not linger in a file either."""

from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation

from .models import Edition

FOLDER = "editions/built"


def _folder(edition_pk: int) -> str:
    return f"{FOLDER}/{edition_pk}"


def stored_build(*, edition: Edition, members: bool, suffix: str, build: Callable[[], bytes]):
    """The storage name of the edition's copy for `members` (else the open variant) in
    the active language, ending in `suffix`: built by `build()` and stored the first
    time it is asked for."""
    variant = "members" if members else "open"
    name = (
        f"{_folder(edition.pk)}/v{edition.version}-{variant}-{translation.get_language()}{suffix}"
    )
    if default_storage.exists(name):
        return name
    saved = default_storage.save(name, ContentFile(build()))
    if saved != name:
        # Another request stored the same copy meanwhile: keep one.
        default_storage.delete(saved)
    current = Edition.objects.get(pk=edition.pk)
    if current.version != edition.version:
        # Erasure committed while this copy was built from the rows before it: this
        # copy goes, and the current version is built instead.
        default_storage.delete(name)
        return stored_build(edition=current, members=members, suffix=suffix, build=build)
    return name


def builds_discard(*, edition_pks: list[int]) -> None:
    """Delete the stored copies of these editions once the transaction that changed
    them commits (an earlier delete would let a request store the old rows again)."""

    def discard():
        for pk in edition_pks:
            try:
                _dirs, files = default_storage.listdir(_folder(pk))
            except FileNotFoundError:
                continue
            for file_name in files:
                default_storage.delete(f"{_folder(pk)}/{file_name}")

    transaction.on_commit(discard)
