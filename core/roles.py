"""The curators' role, which every app's curation pages ask for.

Curators ("de redactie") are staff accounts in the group "Curators", never
superusers: they can do what curation needs and nothing else. The group's permissions
are declared once, in CURATOR_PERMISSIONS, and `curators_group_sync` makes the group
hold exactly those. A data migration runs it (community/migrations/0001_curators_group);
an app that adds a model curators need extends CURATOR_PERMISSIONS and adds a data
migration of its own that calls `curators_group_sync(apps=apps)` again.
"""

from functools import wraps

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.decorators import login_required
from django.contrib.auth.management import create_permissions
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Model

CURATORS_GROUP = "Curators"

ALL = ("view", "add", "change", "delete")

#: (app label, model name) -> the actions curators may take on that model.
CURATOR_PERMISSIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("book", "chapter"): ("view", "add", "change"),
    ("editions", "edition"): ALL,
    ("editions", "editionchapter"): ALL,
    ("editions", "editionstory"): ALL,
    ("stories", "story"): ("view", "change"),
    ("stories", "reply"): ("view", "change"),
    ("stories", "report"): ("view", "change"),
    ("stories", "moderationaction"): ("view",),
    ("members", "codebatch"): ("view", "add", "change"),
    ("members", "claimcode"): ("view", "add", "change"),
    ("members", "membership"): ("view",),
    ("organisations", "organisation"): ("view", "add", "change"),
    ("organisations", "affiliation"): ALL,
    ("organisations", "coordinator"): ALL,
    ("organisations", "organisationbatch"): ("view",),
    ("organisations", "unmatchedname"): ("view", "delete"),
    ("meetings", "meeting"): ("view", "add", "change"),
    ("meetings", "registration"): ("view",),
    ("introductions", "introduction"): ("view",),
    ("introductions", "round"): ("view",),
    ("newsletter", "issue"): ALL,
    ("newsletter", "newsletterdelivery"): ("view",),
}


def curator_permission_codenames() -> set[tuple[str, str]]:
    """Every (app label, codename) pair the Curators group should hold."""
    return {
        (app_label, f"{action}_{model}")
        for (app_label, model), actions in CURATOR_PERMISSIONS.items()
        for action in actions
    }


def curators_group_sync(*, apps: Apps = global_apps, using: str = DEFAULT_DB_ALIAS) -> Model:
    """Create the Curators group if needed and give it exactly the permissions of
    CURATOR_PERMISSIONS that exist: models of apps that are not installed (or not yet
    migrated) are skipped, and a later call picks them up.

    Permissions are normally made after `migrate` (post_migrate); inside a data
    migration they do not exist yet, so they are made here first, from `apps` (the
    migration's historical models, or the real ones)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    with transaction.atomic(using=using):
        for app_label in {app_label for app_label, _model in CURATOR_PERMISSIONS}:
            try:
                app_config = global_apps.get_app_config(app_label)
                apps.get_app_config(app_label)
            except LookupError:
                continue
            create_permissions(app_config, apps=apps, verbosity=0, using=using)
        wanted = curator_permission_codenames()
        candidates = Permission.objects.using(using).filter(
            content_type__app_label__in={app_label for app_label, _codename in wanted},
            codename__in={codename for _app_label, codename in wanted},
        )
        permissions = [
            pk
            for pk, app_label, codename in candidates.values_list(
                "pk", "content_type__app_label", "codename"
            )
            if (app_label, codename) in wanted
        ]
        group, _created = Group.objects.using(using).get_or_create(name=CURATORS_GROUP)
        group.permissions.set(permissions)
    return group


def curator_required(permission: str):
    """Staff with `permission`; the login page for anonymous visitors, 403 for others."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not (request.user.is_staff and request.user.has_perm(permission)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
