import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def pending_photo_token() -> str:
    return secrets.token_urlsafe(32)


class PendingPhotoQuerySet(models.QuerySet):
    def of_user(self, user):
        """The photos `user` chose and has not used yet: the only ones a token may
        name in their forms."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def unused(self):
        return self.filter(used_at__isnull=True)


class PendingPhoto(models.Model):
    """A photo a member chose in a form that was shown again before it was saved (a
    preview, or a mistake elsewhere in the form). A browser never sends a file twice,
    so the photo waits here, already through the photo pipeline, until the form is
    sent for good. The form names it by `token`, a random string looked up only among
    the sender's own pending photos: a token is no path, and another member's token
    names nothing. Rows older than a day are removed with their files by
    `manage.py prune_pending_photos`."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=pending_photo_token)
    image = models.ImageField(upload_to="pending/")
    thumbnail = models.ImageField(upload_to="pending/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(_("gekozen op"), auto_now_add=True, db_index=True)
    # Set when the form is saved with it: the files go, the row stays until it is pruned,
    # so that the same form sent twice (a double click) finds its photo already saved
    # instead of missing.
    used_at = models.DateTimeField(null=True, blank=True)

    objects = PendingPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("gekozen foto")
        verbose_name_plural = _("gekozen foto's")

    def __str__(self):
        return self.image.name
