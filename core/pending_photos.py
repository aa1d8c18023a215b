"""Photos chosen in a form that is shown again before it is saved (core.models.PendingPhoto).

A form keeps its photo here when it has to be shown again (a preview, a mistake in
another field): the photo has been through core.images.process_photo already, so using
it later decodes nothing again. Only the member who chose it can name it; its files are
gone once the form is saved, when the member replaces or removes it, or after a day
(`prune_pending_photos`)."""

from datetime import timedelta
from pathlib import PurePosixPath

from django.db import transaction
from django.utils import timezone

from .images import NamedContentFile, ProcessedPhoto, files_delete_on_commit
from .models import PendingPhoto

#: How long a chosen photo waits for its form: longer than anyone writes one story.
PENDING_LIFETIME = timedelta(days=1)


def _files(pending: PendingPhoto) -> list[str | None]:
    return [pending.image.name, pending.thumbnail.name]


def pending_photo_keep(
    *, user, photo: ProcessedPhoto, replacing: PendingPhoto | None = None
) -> PendingPhoto:
    """Keep `photo`, just chosen by `user`, for the next submit of their form; the
    photo it replaces (chosen earlier in the same form) is let go."""
    with transaction.atomic():
        pending = PendingPhoto(owner=user, width=photo.width, height=photo.height)
        pending.image.save(photo.image.name, photo.image, save=False)
        pending.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
        pending.save()
        if replacing is not None and replacing.owner_id == user.pk:
            pending_photo_discard(pending=replacing)
        return pending


def pending_photo_processed(pending: PendingPhoto) -> ProcessedPhoto:
    """The kept photo as the photo pipeline gave it, to be saved where the form puts
    it (under a name of its own: the pending files are deleted afterwards)."""
    files = []
    for field in (pending.image, pending.thumbnail):
        with field.open("rb") as source:
            name = PurePosixPath(field.name or "").name
            files.append(NamedContentFile(source.read(), name=name))
    return ProcessedPhoto(
        image=files[0], thumbnail=files[1], width=pending.width, height=pending.height
    )


def pending_photo_discard(*, pending: PendingPhoto) -> None:
    """The kept photo is no longer wanted (removed or replaced in the form): the row
    goes now, its files once the transaction has committed."""
    with transaction.atomic():
        files_delete_on_commit(_files(pending))
        PendingPhoto.objects.filter(pk=pending.pk).delete()


def pending_photo_use(*, pending: PendingPhoto) -> None:
    """The form was saved with the kept photo (copied by then to where the form put
    it): its files go once the transaction has committed; the row stays, marked used,
    until it is pruned, so the same form sent again finds it saved rather than lost."""
    with transaction.atomic():
        files_delete_on_commit(_files(pending))
        PendingPhoto.objects.filter(pk=pending.pk).update(used_at=timezone.now())


def _discard_all(photos) -> int:
    photos = list(photos.select_for_update())
    files_delete_on_commit([name for photo in photos for name in _files(photo)])
    PendingPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
    return len(photos)


def pending_photos_discard_all(*, user) -> None:
    """Every photo `user` chose in a form, used or not (their account is being
    deleted)."""
    with transaction.atomic():
        _discard_all(PendingPhoto.objects.of_user(user))


def pending_photos_prune(*, now=None) -> int:
    """Removes the photos chosen more than PENDING_LIFETIME ago, with the files of
    those never used; returns how many."""
    cutoff = (now or timezone.now()) - PENDING_LIFETIME
    with transaction.atomic():
        return _discard_all(PendingPhoto.objects.filter(created_at__lt=cutoff))
