from django import template

from organisations.sso import SignInButton, sign_in_buttons

register = template.Library()


@register.simple_tag
def sign_in_providers(slug: str | None = None) -> list[SignInButton]:
    """The sign-in page's "Inloggen via <organisatie>" buttons (organisations.sso); with
    `slug`, only that organisation's (none when the site does not know it): allauth's
    page for one provider names it as its button does."""
    buttons = sign_in_buttons()
    return buttons if slug is None else [button for button in buttons if button.slug == slug]
