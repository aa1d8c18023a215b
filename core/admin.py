"""What the apps' admins share."""

from django.db import models

from .converters import BoundedModelMultipleChoiceField

#: A ModelAdmin's `formfield_overrides` for its many-to-many fields: the ids posted are
#: bounded (core.converters), where Django's own field sends one past 64 bits to the
#: database in `pk__in`, a 500.
BOUNDED_MANY_TO_MANY = {models.ManyToManyField: {"form_class": BoundedModelMultipleChoiceField}}


class ReadOnlyAdminMixin:
    """For records that only a service writes (claim codes, invitations, the moderation
    log): the admin lists and shows them, and changes none."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
