"""An issue's text: Markdown, with blocks for members only between a line `:::leden`
and a line `:::`. The archive shows those blocks to members and a note to everyone
else; the mail, which goes to members only, has them all."""

import re
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from core.markdown import render_markdown

MEMBERS_BLOCK = re.compile(r"^:::leden[ \t]*\r?\n(.*?)^:::[ \t]*$\r?\n?", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Part:
    members_only: bool
    html: SafeString


def parts(body: str) -> list[Part]:
    """The issue in order, each part rendered by the one sanitiser."""
    found: list[Part] = []
    start = 0
    for block in MEMBERS_BLOCK.finditer(body):
        found.append(Part(False, _html(body[start : block.start()])))
        found.append(Part(True, _html(block.group(1))))
        start = block.end()
    found.append(Part(False, _html(body[start:])))
    return [part for part in found if part.html]


def _html(text: str) -> SafeString:
    # render_markdown returns sanitised HTML (core.markdown): safe to mark.
    return mark_safe(render_markdown(text).html) if text.strip() else mark_safe("")


def mail_text(body: str) -> str:
    """The whole text for the mail: the members' blocks without their markers."""
    return MEMBERS_BLOCK.sub(lambda block: block.group(1), body).strip()
