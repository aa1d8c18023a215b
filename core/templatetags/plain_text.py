"""`plain_text`: rendered HTML as a short line of plain text (core.markdown)."""

from django import template

from core.markdown import plain_text as to_plain_text

register = template.Library()


@register.filter
def plain_text(html: str) -> str:
    return to_plain_text(html)
