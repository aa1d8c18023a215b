import unicodedata

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress, get_emailconfirmation_model
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.tasks import TaskResult
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tasks import send_email

MIXED_SCRIPT_DOMAIN = _(
    "In de domeinnaam van dit e-mailadres (het deel na de @) staan letters uit "
    "verschillende schriften door elkaar, zoals een Cyrillische „а” tussen Latijnse "
    "letters. Zo'n adres lijkt sprekend op een bekend adres, maar is een ander; daarom "
    "nemen we het niet aan. Typ het adres zelf over, of gebruik een ander adres."
)
# Scripts that may share one label (Unicode TS 39, "highly restrictive"): Japanese,
# Chinese and Korean domains mix their scripts with Latin and with each other.
ALLOWED_SCRIPT_MIXES = (
    {"LATIN", "HAN", "HIRAGANA", "KATAKANA"},
    {"LATIN", "HAN", "BOPOMOFO"},
    {"LATIN", "HAN", "HANGUL"},
)


class AccountAdapter(DefaultAccountAdapter):
    """allauth, with its e-mail sent by a background task instead of inside the request."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # The same context as allauth's own send_mail; rendering stays in the request so
        # the message is in the visitor's language and links point at the host they used.
        ctx = {
            "request": self.request,
            "email": email,
            "current_site": get_current_site(self.request),
            **context,
        }
        message = self.render_mail(template_prefix, email, ctx)
        email_enqueue(message=message)

    def clean_email(self, email: str) -> str:
        """Refuses an address whose domain mixes scripts within one label: for every
        address people type (signup, adding an address, password reset, login code)."""
        email = super().clean_email(email)
        if any(label_mixes_scripts(label) for label in email.rpartition("@")[2].split(".")):
            raise ValidationError(MIXED_SCRIPT_DOMAIN, code="mixed_script_domain")
        return email

    def send_account_already_exists_mail(self, email: str) -> None:
        """Someone signed up with an address that has an account. The page they see is
        the same as for a new address (enumeration prevention); this mail, to the owner,
        says what happened. When that account never confirmed any address, it is almost
        always its owner trying again (the first mail got lost, or they typed other
        capitals, which make no difference): then the mail says so and brings a fresh
        confirmation link, instead of only pointing at a new password."""
        address = EmailAddress.objects.filter(email=email.lower()).order_by("pk").first()
        if (
            address is None
            or EmailAddress.objects.filter(user_id=address.user_id, verified=True).exists()
        ):
            super().send_account_already_exists_mail(email)
            return
        confirmation = get_emailconfirmation_model().create(address)
        self.send_mail(
            "account/email/account_not_confirmed",
            email,
            {
                "user": address.user,
                "activate_url": self.get_email_confirmation_url(self.request, confirmation),
                "login_code_url": self.request.build_absolute_uri(
                    reverse("account_request_login_code")
                ),
                "password_reset_url": self.request.build_absolute_uri(
                    reverse("account_reset_password")
                ),
            },
        )


def email_enqueue(*, message: EmailMessage) -> TaskResult:
    """Hand a rendered message to the `send_email` task, as JSON-serialisable parts."""
    html_body = None
    body = message.body
    if message.content_subtype == "html":
        # allauth renders an HTML-only message when a mail has no .txt template.
        html_body, body = body, ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html_body = content
    return send_email.enqueue(
        subject=str(message.subject),
        body=str(body),
        from_email=str(message.from_email),
        to=[str(address) for address in message.to],
        html_body=None if html_body is None else str(html_body),
    )


def user_display(user) -> str:
    """How allauth names the logged-in person ("ingelogd als ..."): the name on their
    member profile when they chose one, else the e-mail address, never the generated
    username nobody chose."""
    membership = getattr(user, "membership", None)
    profile = getattr(membership, "profile", None) if membership is not None else None
    if profile is not None and profile.display_name:
        return profile.display_name
    return user.email


def label_mixes_scripts(label: str) -> bool:
    """Whether one label of a domain name ("exаmple", or its punycode "xn--exmple-...")
    mixes letters of scripts that do not belong together, the mark of a look-alike."""
    if label.lower().startswith("xn--"):
        try:
            label = label.encode("ascii").decode("idna")
        except UnicodeError:
            return False  # not punycode after all: an ASCII label like any other
    scripts = {script for char in label if (script := _script(char))}
    return len(scripts) > 1 and not any(scripts <= mix for mix in ALLOWED_SCRIPT_MIXES)


def _script(char: str) -> str | None:
    """The script of a letter, from its Unicode name ("CYRILLIC SMALL LETTER A"): for
    the letters, digits and hyphens of a domain label as good as Unicode's Script
    property, which Python does not expose. Digits, hyphens and marks have none."""
    if not char.isalpha():
        return None
    word = unicodedata.name(char, "").split(" ", 1)[0]
    if word == "KATAKANA-HIRAGANA":  # the prolonged sound mark, used by both
        return None
    return "HAN" if word == "CJK" else word
