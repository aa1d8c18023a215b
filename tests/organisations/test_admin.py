import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organisations.models import Organisation

pytestmark = pytest.mark.django_db

ADD = reverse("admin:organisations_organisation_add")


def form(**changes):
    return {
        "name": "Wijkbedrijf Zuidpoort",
        "slug": "wijkbedrijf-zuidpoort",
        "kind": "civil_society",
        "province": "OV",
        "description": "Wij **werken** samen.\n\n<script>alert(1)</script>",
        "batch_quota": "0",
        **changes,
    }


def test_a_curator_adds_an_organisation_whose_description_is_sanitised(client, curator):
    client.force_login(curator)
    response = client.post(ADD, form())
    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="wijkbedrijf-zuidpoort")
    assert "<strong>werken</strong>" in organisation.description_html
    assert "<script>" not in organisation.description_html


def test_a_logo_that_is_not_an_image_is_refused_and_nothing_saved(client, curator):
    client.force_login(curator)
    logo = SimpleUploadedFile("logo.png", b"no picture at all", content_type="image/png")
    response = client.post(ADD, form(new_logo=logo))
    assert response.status_code == 200
    assert "Dit bestand is geen foto die we kunnen lezen" in str(
        response.context["adminform"].form.errors["new_logo"]
    )
    assert not Organisation.objects.filter(slug="wijkbedrijf-zuidpoort").exists()


def test_a_duplicate_slug_is_refused(client, curator):
    client.force_login(curator)
    response = client.post(ADD, form(slug="zwolle"))
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert Organisation.objects.filter(slug="zwolle").count() == 1


def test_a_logo_goes_through_the_photo_pipeline_and_is_served_to_everyone(client, curator):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (20, 90, 160)).save(buffer, "PNG")
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    client.force_login(curator)
    client.post(ADD, form(new_logo=logo))
    organisation = Organisation.objects.get(slug="wijkbedrijf-zuidpoort")
    assert organisation.logo.name.startswith("organisations/")
    assert organisation.logo.name.endswith(".jpg")
    client.logout()
    response = client.get(organisation.logo_thumbnail.url)
    assert response.status_code == 200
    assert client.get("/media/organisations/not-a-logo.jpg").status_code == 404
