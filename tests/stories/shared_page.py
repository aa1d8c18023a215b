"""What the cache tests read from a page that is shared between visitors and then
personalised: tokens, reaction buttons and counts, form targets."""

from django.middleware.csrf import _unmask_cipher_token

from tests.markup import Markup, attributes, select, texts


def tokens(html: Markup, within: str = "") -> list[str]:
    """The CSRF tokens of the forms (inside `within`, a selector, when given)."""
    return attributes(html, f'{within} input[name="csrfmiddlewaretoken"]', "value")


def secrets(html: Markup) -> set[str]:
    """The CSRF secrets behind the page's tokens: one per visitor."""
    return {_unmask_cipher_token(token) for token in tokens(html)}


def pressed(html: Markup) -> dict[str, str]:
    """The reaction buttons of a shared page by their `data-given` ("<story> <kind>"):
    "true" where the visitor gave that reaction."""
    return {
        button.get("data-given"): button.get("aria-pressed")
        for button in select(html, "button[data-given]")
    }


def reaction_counts(html: Markup, story) -> tuple[str, str]:
    """The two reaction counts shown with `story`, on its buttons (members) or as text."""
    (reactions,) = select(html, f"#{story.anchor} .reactions")
    buttons = texts(reactions, "[data-count]")
    if buttons:
        return tuple(buttons)
    herkenbaar, dank = texts(reactions, ".reactions__counts span")
    return herkenbaar.removeprefix("Herkenbaar: "), dank.removeprefix("Dank je wel: ")


def form_actions(html: Markup) -> list[str]:
    return attributes(html, "form", "action")
