"""What stories can use from a member's profile, if members have one.

A profile (with `role`, `municipality`, ...) may live on the membership or on the user,
or not exist yet. These look the field up in the model metadata, so the filters of
"Nieuwste verhalen" work with what exists and simply leave out what does not."""

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist

from members.models import Membership


def _profile_model_and_path(owner_model, path: str):
    try:
        field = owner_model._meta.get_field("profile")
    except FieldDoesNotExist:
        return None, None
    if not field.is_relation or field.related_model is None:
        return None, None
    return field.related_model, f"{path}profile__"


def profile_lookup(name: str) -> tuple[str | None, list]:
    """The ORM path from a Story to the author's profile field `name`, and that
    field's choices; (None, []) when no profile has such a field."""
    for owner_model, path in ((Membership, "author__"), (get_user_model(), "author__user__")):
        profile_model, prefix = _profile_model_and_path(owner_model, path)
        if profile_model is None:
            continue
        try:
            field = profile_model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        return f"{prefix}{name}", list(getattr(field, "choices", None) or [])
    return None, []
