from django import template

from organisations.sso import SignInButton, sign_in_buttons

register = template.Library()


@register.simple_tag
def sign_in_providers() -> list[SignInButton]:
    """The sign-in page's "Inloggen via <organisatie>" buttons (organisations.sso)."""
    return sign_in_buttons()
