"""The authentication backends, loading a signed-in user's membership with the user.

Nearly every page asks whether the reader holds a copy (book.models.user_is_member,
the site header): with the membership joined to the one query that loads the user on
each request, that costs no second query. The query is compiled once
(core.prepared): built through the ORM on every request, it cost more Python than
the rest of a page served from the cache."""

import functools
from collections.abc import Callable
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends, get_user_model
from django.db import DEFAULT_DB_ALIAS

from core.prepared import Prepared


@functools.cache
def _user_query():
    user_model = get_user_model()
    relation = user_model._meta.get_field("membership")  # the reverse one-to-one
    membership_model = relation.related_model
    user_names = [field.attname for field in user_model._meta.concrete_fields]
    membership_names = [field.attname for field in membership_model._meta.concrete_fields]
    query = Prepared(
        lambda pk: user_model._default_manager.filter(pk=pk).values_list(
            *user_names, *(f"membership__{name}" for name in membership_names)
        )
    )
    return query, user_model, user_names, relation, membership_model, membership_names


def user_with_membership(pk):
    """The user `pk` with their membership (or the knowledge that they hold none)
    cached on it, as `select_related("membership")` gives it; None if there is none."""
    query, user_model, user_names, relation, membership_model, membership_names = _user_query()
    row = query.first(pk=pk)
    if row is None:
        return None
    user = user_model.from_db(DEFAULT_DB_ALIAS, user_names, row[: len(user_names)])
    values = row[len(user_names) :]
    membership = None
    if values[membership_names.index(membership_model._meta.pk.attname)] is not None:
        membership = membership_model.from_db(DEFAULT_DB_ALIAS, membership_names, values)
        relation.field.set_cached_value(membership, user)
    relation.set_cached_value(user, membership)
    return user


class _MembershipWithUser:
    user_can_authenticate: Callable[[Any], bool]  # the backend's own

    def get_user(self, user_id):
        # `user_id` comes as the primary key field's Python value (auth.get_user).
        user = user_with_membership(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_MembershipWithUser, backends.ModelBackend):
    """Django's: a user name (or e-mail) and password, as in the admin."""


class AuthenticationBackend(_MembershipWithUser, AllauthBackend):
    """allauth's: e-mail and password, login by code."""
