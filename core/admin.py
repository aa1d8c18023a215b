"""What the apps' admins share."""


class ReadOnlyAdminMixin:
    """For records that only a service writes (claim codes, invitations, the moderation
    log): the admin lists and shows them, and changes none."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
