"""The provider's accounts, shared by its setup (accounts.py, in the provider's process) and
the tests that sign in with them."""

PASSWORD = "provider password for tests only"
CLIENT_ID = "het-boek"
CLIENT_SECRET = "a secret the provider and the site share, for tests only"
#: Where the provider may send people back to: the site's callback in the test client.
REDIRECT_URI = "http://testserver/accounts/oidc/zwolle/login/callback/"

#: username: (e-mail address, whether the provider says it verified it)
PEOPLE = {
    "anne": ("anne@zwolle.nl", True),
    "bert": ("Bert@Zwolle.nl", True),
    "carla": ("carla@example.com", True),
    "daan": ("daan@zwolle.nl", False),
    "eva": ("eva@zwolle.nl", True),
    "fien": ("fien@zwolle.nl", True),
}
