"""Photos chosen in a form that is shown again before it is saved (core.models.PendingPhoto).

A form keeps its photo here when it has to be shown again (a preview, a mistake in
another field): the photo has been through core.images.process_photo already, so using
it later decodes nothing again. Only the member who chose it can name it; its files are
gone once the form is saved, when the member replaces or removes it, or after a day
(`prune_pending_photos`).

A form takes part through PendingPhotoForm and its view through pending_photo_kept (the
story form and the profile form do)."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any, Self, cast

from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


# ---- Forms ----------------------------------------------------------------------------


def pending_photo_field() -> forms.CharField:
    """The hidden field `pending_photo` of a PendingPhotoForm: the token of the photo
    chosen before the form was shown again (a browser does not send a file twice)."""
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class PendingPhotoForm(forms.BaseForm):
    """A form with a core.images.PhotoField `photo` whose chosen photo survives the form
    being shown again. The form declares `pending_photo = pending_photo_field()`, calls
    pending_photo_find in its __init__ and pending_photo_check in its clean, and says
    how it is made again with other data (`rebuilt`); its view shows a form that saved
    nothing through pending_photo_kept and, once saved, lets the kept photo go
    (pending_photo_use).

    The token is looked up among the sender's own photos only: another member's token
    or a made-up one names nothing, and the form says the photo is gone."""

    pending: PendingPhoto | None = None
    #: The token named a photo already saved with this form (the form sent twice).
    pending_used = False
    pending_token = ""

    #: This form again, bound to other data, with everything else as it was made: each
    #: form defines it (it alone knows the arguments it was made with).
    rebuilt: Callable[[QueryDict], Self]

    def pending_photo_find(self, *, uploader: User | AnonymousUser) -> None:
        self.pending_token = str(self.data.get(self.add_prefix("pending_photo"), ""))
        found = None
        if self.pending_token:
            found = PendingPhoto.objects.of_user(uploader).filter(token=self.pending_token).first()
        self.pending_used = found is not None and found.used_at is not None
        self.pending = None if self.pending_used else found
        if self.pending is not None:
            # Shown as the current photo: sent without a new file, it is the one kept.
            self.initial = {**self.initial, "photo": self.pending.image}

    def pending_photo_check(self, cleaned: dict[str, Any]) -> None:
        """For clean: a token that names no photo of the sender's, and no new photo."""
        lost = self.pending_token and self.pending is None and not self.pending_used
        if lost and not isinstance(cleaned.get("photo"), ProcessedPhoto):
            self.add_error(
                "photo",
                _(
                    "De foto die je eerder koos, kunnen we niet meer vinden (we bewaren hem "
                    "een dag). Kies hem opnieuw."
                ),
            )

    def with_pending_photo(self, token: str) -> Self:
        """This form as sent, but with its photo kept as the pending photo `token`
        (empty: none) instead of the file that came with it."""
        data = cast(QueryDict, self.data).copy()
        data[self.add_prefix("pending_photo")] = token
        return self.rebuilt(data)

    def photo_to_save(self) -> ProcessedPhoto | None:
        """The photo to store: the one just sent, or the one kept from before; None
        when the photo stays as it was or is removed."""
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, ProcessedPhoto):
            return photo
        if photo and self.pending is not None:
            try:
                return pending_photo_processed(self.pending)
            except OSError:
                # Its files went with the same form sent a moment earlier (a double
                # click), which saved the photo: this submit finds it saved.
                return None
        return None


def pending_photo_kept[F: PendingPhotoForm](*, user: User, form: F) -> F:
    """The form to show again after a POST that saved nothing. A photo that came with
    it is kept as a pending photo, since the browser will not send it again; one that
    was kept before and is now removed is let go."""
    if not form.is_bound:
        return form
    form.is_valid()
    photo = form.cleaned_data.get("photo")
    if isinstance(photo, ProcessedPhoto):
        pending = pending_photo_keep(user=user, photo=photo, replacing=form.pending)
        return form.with_pending_photo(pending.token)
    if photo is False and form.pending is not None:
        pending_photo_discard(pending=form.pending)
        return form.with_pending_photo("")
    return form
