"""Single sign-on for an organisation's staff through its own OpenID Connect provider
(Entra ID, Keycloak, ...), on allauth's `openid_connect` provider.

The providers come from the environment only (community.settings.base.oidc_apps), each
with the slug of its organisation as allauth's `provider_id`; this module ties a
sign-in to the organisation by that slug. Who gets in is decided in one place,
`SocialAccountAdapter.pre_social_login`:

- the provider's e-mail address is trusted only when the provider says it verified it
  and it is on one of the organisation's e-mail domains (`Organisation.domains`); any
  other sign-in is refused, with a message, on the sign-in page: the site cannot tell
  who a provider's guest or outside account is;
- a trusted address of an existing account signs in to that account (allauth's e-mail
  authentication) and connects the provider to it; an unknown one makes a new account
  with the address verified;
- a member gets "werkt bij <organisatie>" confirmed (private unless they made it
  public); someone without a copy yet is taken to the organisation's page, where
  "Word lid via <organisatie>" claims one and the affiliation, confirmed at once since
  the address is on the organisation's domains.

Of what the provider tells, only the e-mail address and whether it is verified are kept
(`SocialAccount.extra_data`), beside allauth's uid (the provider's `sub`); no tokens."""

from dataclasses import dataclass
from typing import Any

from allauth.account.utils import user_email
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount import app_settings
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.exports import iso_or_none
from members.models import Membership

from .models import Organisation
from .services import affiliation_confirm, email_on_domains

PROVIDER = "openid_connect"
#: The claims kept of a sign-in: what the trust rule looked at.
KEPT_CLAIMS = ("email", "email_verified")


def configured_slugs() -> list[str]:
    """The organisations with a provider in the settings, in their order there."""
    apps = app_settings.PROVIDERS.get(PROVIDER, {}).get("APPS", [])
    return [app["provider_id"] for app in apps]


@dataclass(frozen=True)
class SignInButton:
    #: The organisation's slug: allauth's `provider_id` of its provider.
    slug: str
    name: str
    url: str


def sign_in_buttons() -> list[SignInButton]:
    """ "Inloggen via <organisatie>" for each configured provider whose organisation
    the site knows: one query, none without providers."""
    slugs = configured_slugs()
    if not slugs:
        return []
    names = dict(Organisation.objects.current().filter(slug__in=slugs).values_list("slug", "name"))
    return [
        SignInButton(slug=slug, name=names[slug], url=reverse(f"{PROVIDER}_login", args=[slug]))
        for slug in slugs
        if slug in names
    ]


def trusted_email(sociallogin: SocialLogin, organisation: Organisation) -> str | None:
    """The address of this sign-in that the site believes: verified by the provider and
    on one of the organisation's domains."""
    domains = organisation.domains
    for address in sociallogin.email_addresses:
        if address.verified and email_on_domains(email=address.email, domains=domains):
            return address.email.lower()
    return None


def _refuse(request: HttpRequest, message: str) -> ImmediateHttpResponse:
    messages.error(request, message)
    return ImmediateHttpResponse(redirect("account_login"))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's social accounts, for organisations' own providers (module docstring)."""

    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        # Providers are configured in the environment only: an app saved in the
        # database (allauth's admin) is not one of them.
        return [app for app in super().list_apps(request, provider, client_id) if app.pk is None]

    def populate_user(
        self, request: HttpRequest, sociallogin: SocialLogin, data: dict[str, Any]
    ) -> User:
        """Only the e-mail address goes on a new account (a member's name is the one on
        their profile), and of the provider's answer only KEPT_CLAIMS are kept."""
        user = sociallogin.user
        user_email(user, (data.get("email") or "").lower())
        raw = sociallogin.account.extra_data
        claims = raw.get("userinfo") or raw.get("id_token") or raw
        sociallogin.account.extra_data = {key: claims[key] for key in KEPT_CLAIMS if key in claims}
        return user

    def can_authenticate_by_email(self, login: SocialLogin, email: str) -> bool:
        """SOCIALACCOUNT_EMAIL_AUTHENTICATION, for the organisation's own addresses only:
        its provider cannot speak for an address on anyone else's domain."""
        organisation = sso_organisation(login)
        return (
            super().can_authenticate_by_email(login, email)
            and organisation is not None
            and email_on_domains(email=email, domains=organisation.domains)
        )

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        organisation = sso_organisation(sociallogin)
        if organisation is None:
            raise _refuse(request, _("Inloggen via deze organisatie kan hier niet (meer)."))
        if sociallogin.state.get("process", AuthProcess.LOGIN) != AuthProcess.LOGIN:
            raise _refuse(
                request,
                _("Log uit en log opnieuw in via %(name)s.") % {"name": organisation.name},
            )
        if trusted_email(sociallogin, organisation) is None:
            raise _refuse(
                request,
                _(
                    "%(name)s gaf geen bevestigd e-mailadres van %(name)s door, dus we "
                    "weten niet wie je bent. Log hieronder in met je e-mailadres."
                )
                % {"name": organisation.name},
            )
        membership = (
            Membership.objects.for_user(sociallogin.user) if sociallogin.is_existing else None
        )
        if membership is None:
            messages.info(
                request,
                _(
                    "Je bent ingelogd via %(name)s. Word hier lid via %(name)s: dan krijg je "
                    "een exemplaar en hoor je meteen bevestigd bij %(name)s."
                )
                % {"name": organisation.name},
            )
            sociallogin.state["next"] = organisation.get_absolute_url()
            return
        affiliation_confirm(membership=membership, organisation=organisation)


def sso_organisation(sociallogin: SocialLogin) -> Organisation | None:
    """The organisation whose provider this sign-in came through, by its slug."""
    return Organisation.objects.current().filter(slug=sociallogin.account.provider).first()


# ---- Privacy: the connected providers in the data download, and gone with the account


def sso_accounts_export(*, user: User) -> dict:
    """The organisations' providers connected to `user`, with what is kept of them."""
    accounts = SocialAccount.objects.filter(user=user).order_by("pk")
    return {
        "sign_in_providers": [
            {
                "provider": account.provider,
                "uid": account.uid,
                "extra_data": account.extra_data,
                "connected_at": iso_or_none(account.date_joined),
                "last_login": iso_or_none(account.last_login),
            }
            for account in accounts
        ]
    }


def sso_accounts_on_account_delete(*, user: User) -> None:
    with transaction.atomic():
        SocialAccount.objects.filter(user=user).delete()
