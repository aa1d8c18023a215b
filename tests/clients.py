from django.test import Client


def signed_in(user=None) -> Client:
    """A browser of its own, signed in as `user` (anonymous for None): for a test with
    several visitors at once besides pytest-django's `client`."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
