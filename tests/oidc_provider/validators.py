from oauth2_provider.oauth2_validators import OAuth2Validator

from .people import PEOPLE


class Validator(OAuth2Validator):
    """The claims a provider sends with the `email` and `profile` scopes: the address
    and whether it verified it (people.PEOPLE says, per account), and a name."""

    oidc_claim_scope = OAuth2Validator.oidc_claim_scope | {
        "email": "email",
        "email_verified": "email",
        "name": "profile",
        "preferred_username": "profile",
    }

    def get_additional_claims(self, request):
        user = request.user
        _email, verified = PEOPLE[user.username]
        return {
            "email": user.email,
            "email_verified": verified,
            "name": f"{user.username.title()} Jansen",
            "preferred_username": user.username,
        }
