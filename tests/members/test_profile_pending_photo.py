"""A photo chosen on the profile form survives a mistake in another field: the browser
cannot fill a file input again, so the photo waits as a pending photo
(core.pending_photos), named in the form by a token only its owner can use, and goes into
the profile with the corrected form."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image

from core.models import PendingPhoto
from members.models import Profile, Role, Visibility
from tests.clients import signed_in
from tests.factories import MembershipFactory
from tests.markup import one, select, text
from tests.members.test_profile import PROFILE, form_data, upload

pytestmark = pytest.mark.django_db

LOST = (
    "De foto die je eerder koos, kunnen we niet meer vinden (we bewaren hem een dag). "
    "Kies hem opnieuw."
)


def chosen_with_a_mistake(client, **overrides):
    """The profile form sent with a photo and a bio that is too long."""
    data = form_data(
        display_name="Fatima", bio="x" * 501, photo=upload(Image.new("RGB", (300, 200)))
    )
    response = client.post(PROFILE, {**data, **overrides})
    assert response.status_code == 200
    return response


def test_a_mistake_elsewhere_keeps_the_photo_and_the_corrected_form_saves_it(
    member_client, member, commit
):
    response = chosen_with_a_mistake(member_client)
    pending = PendingPhoto.objects.get()
    assert pending.owner == member and pending.used_at is None
    # Nothing of the form is saved yet: not the name, not the photo.
    profile = Profile.objects.get(membership__user=member)
    assert profile.display_name == "" and not profile.photo
    assert "niet meer dan 500 tekens" in " ".join(response.context["form"].errors["bio"])
    # The page says the photo is kept, shows it, and names it in a hidden field.
    assert one(response, 'input[name="pending_photo"]').get("value") == pending.token
    kept = one(response, ".profile-photo__pending")
    assert "Je gekozen foto blijft bewaard" in text(kept)
    assert one(kept, "img").get("src") == pending.thumbnail.url
    assert member_client.get(pending.thumbnail.url).status_code == 200
    assert one(response, 'input[name="display_name"]').get("value") == "Fatima"

    corrected = form_data(display_name="Fatima", bio="Kort.", pending_photo=pending.token)
    with commit():
        response = member_client.post(PROFILE, corrected)
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.display_name == "Fatima" and profile.bio == "Kort."
    assert profile.photo.name.startswith("profiles/") and default_storage.exists(profile.photo.name)
    assert default_storage.exists(profile.thumbnail.name)
    # Used up: its files are gone and nobody loads it any more.
    pending.refresh_from_db()
    assert pending.used_at is not None
    assert not default_storage.exists(pending.image.name)
    assert not default_storage.exists(pending.thumbnail.name)
    assert member_client.get(pending.thumbnail.url).status_code == 404


def test_the_corrected_form_sent_twice_keeps_the_photo(member_client, member, commit):
    chosen_with_a_mistake(member_client)
    token = PendingPhoto.objects.get().token
    corrected = form_data(display_name="Fatima", pending_photo=token)
    with commit():
        assert member_client.post(PROFILE, corrected).status_code == 302
    photo = Profile.objects.get(membership__user=member).photo.name
    assert member_client.post(PROFILE, corrected).status_code == 302
    profile = Profile.objects.get(membership__user=member)
    assert profile.photo.name == photo and default_storage.exists(photo)


def test_choosing_another_photo_lets_the_kept_one_go(member_client, member, commit):
    chosen_with_a_mistake(member_client)
    first = PendingPhoto.objects.get()
    with commit():
        response = chosen_with_a_mistake(member_client, pending_photo=first.token)
    second = PendingPhoto.objects.get()
    assert second.pk != first.pk
    assert one(response, 'input[name="pending_photo"]').get("value") == second.token
    assert not default_storage.exists(first.image.name)


def test_another_members_token_is_refused(member_client, member):
    chosen_with_a_mistake(member_client)
    pending = PendingPhoto.objects.get()
    other = MembershipFactory().user
    response = signed_in(other).post(
        PROFILE, form_data(display_name="Indringer", pending_photo=pending.token)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == [LOST]
    assert not select(response, ".profile-photo__pending")
    # Nothing saved for the other member, and the photo stays its owner's, unused.
    theirs = Profile.objects.get(membership__user=other)
    assert theirs.display_name != "Indringer" and not theirs.photo
    assert PendingPhoto.objects.get() == pending and pending.used_at is None
    assert default_storage.exists(pending.image.name)
    assert signed_in(other).get(pending.thumbnail.url).status_code == 404
    assert Client().get(pending.thumbnail.url).status_code == 404


@pytest.mark.parametrize("token", ["../profiles/x.jpg", "a" * 64, "a" * 65])
def test_a_forged_token_is_refused_and_the_rest_is_kept(member_client, member, token):
    response = member_client.post(
        PROFILE, form_data(display_name="Fatima", role=Role.GOVERNMENT, pending_photo=token)
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("photo") or response.context["form"].has_error(
        "pending_photo"
    )
    assert one(response, 'input[name="display_name"]').get("value") == "Fatima"
    profile = Profile.objects.get(membership__user=member)
    assert profile.display_name == "" and profile.visibility == Visibility.NAME


def test_a_kept_photo_never_saved_is_pruned_after_a_day(member_client, commit):
    chosen_with_a_mistake(member_client)
    pending = PendingPhoto.objects.get()
    PendingPhoto.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    with commit():
        call_command("prune_pending_photos", stdout=io.StringIO())
    assert not PendingPhoto.objects.exists()
    assert not default_storage.exists(pending.image.name)
