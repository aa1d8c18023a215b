"""The provider's accounts and the site's registration with it, in its own database:
`python -m tests.oidc_provider.accounts` with the provider's settings."""

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

from .people import CLIENT_ID, CLIENT_SECRET, PASSWORD, PEOPLE, REDIRECT_URI  # noqa: E402

for username, (email, _verified) in PEOPLE.items():
    User.objects.create_user(username=username, email=email, password=PASSWORD)
Application.objects.create(
    name="Het boek",
    client_id=CLIENT_ID,
    client_secret=CLIENT_SECRET,
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris=REDIRECT_URI,
    algorithm=Application.RS256_ALGORITHM,
    skip_authorization=True,
)
