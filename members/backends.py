"""The authentication backends, loading a signed-in user's membership with the user.

Nearly every page asks whether the reader holds a copy (members.models.user_is_member,
the site header): with the membership joined to the one query that loads the user on
each request, that costs no second query."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends, get_user_model


class _MembershipWithUser:
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("membership").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_MembershipWithUser, backends.ModelBackend):
    """Django's: a user name (or e-mail) and password, as in the admin."""


class AuthenticationBackend(_MembershipWithUser, AllauthBackend):
    """allauth's: e-mail and password, login by code."""
