"""Word-level differences between two texts (a chapter's Markdown, say), as HTML a page
can show and as counts per section.

The texts are compared word by word with difflib, each word keeping the white space
before it so that the text shows as written (line breaks and all); white space alone
is no change. The HTML marks an insertion with <ins> and
a deletion with <del>, each opening with a visually hidden "toegevoegd:" or
"verwijderd:", so that the change does not rest on colour or strike-through alone. Every
word is escaped, and the result passes the one sanitiser (core.markdown.clean_diff)
before it is marked safe: no text can bring markup of its own onto a page.

Sections are a chapter's level-2 headings (`## ...`, as core.markdown.render_markdown
makes its sections of them); the words before the first heading are a section without a
title."""

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .markdown import clean_diff, heading_anchor

#: A word with the white space before it; white space at the very end on its own.
_TOKENS = re.compile(r"\s*\S+|\s+")
_SECTION_HEADING = re.compile(r"^ {0,3}##(?!#)[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
#: Words of unchanged text shown around a changed passage, on each side.
PASSAGE_CONTEXT = 6

type Opcode = tuple[str, int, int, int, int]


class _Compared:
    """Two texts as words, each with the white space before it (so the text can be put
    together again as written), compared on the words alone: text wrapped or spaced
    differently is the same text."""

    def __init__(self, old: str, new: str) -> None:
        self.old = _TOKENS.findall(old.replace("\r\n", "\n"))
        self.new = _TOKENS.findall(new.replace("\r\n", "\n"))
        self.matcher = difflib.SequenceMatcher(
            None,
            [token.strip() for token in self.old],
            [token.strip() for token in self.new],
            autojunk=False,
        )

    def opcodes(self) -> Sequence[Opcode]:
        return self.matcher.get_opcodes()

    def html(self, codes: Iterable[Opcode]) -> str:
        """The text of `codes` with insertions and deletions marked (unchanged text as
        the new text has it)."""
        out = []
        for tag, i1, i2, j1, j2 in codes:
            if tag == "equal":
                out.append(escape("".join(self.new[j1:j2]), quote=False))
                continue
            removed, added = "".join(self.old[i1:i2]), "".join(self.new[j1:j2])
            # The white space before the change stays outside its marks.
            lead = added if not removed else removed
            spacing = lead[: len(lead) - len(lead.lstrip())]
            out.append(escape(spacing, quote=False))
            if removed.strip():
                out.append(_marked("delete", removed.strip()))
            if removed.strip() and added.strip():
                out.append(" ")
            if added.strip():
                out.append(_marked("insert", added.strip()))
        return "".join(out)


def _words(parts: list[str]) -> int:
    return sum(1 for part in parts if part.strip())


def _marked(kind: str, text: str) -> str:
    escaped = escape(text, quote=False)
    if kind == "insert":
        label = escape(_("toegevoegd:"))
        return f'<ins><span class="visually-hidden">{label} </span>{escaped}</ins>'
    label = escape(_("verwijderd:"))
    return f'<del><span class="visually-hidden">{label} </span>{escaped}</del>'


def diff_html(old: str, new: str) -> SafeString:
    """The whole of `new` with what changed from `old` marked, as safe HTML."""
    compared = _Compared(old, new)
    return mark_safe(clean_diff(compared.html(compared.opcodes())))


@dataclass(frozen=True)
class Counts:
    added: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def counts(old: str, new: str) -> Counts:
    """Words added and removed from `old` to `new`."""
    compared = _Compared(old, new)
    added = removed = 0
    for tag, i1, i2, j1, j2 in compared.opcodes():
        if tag != "equal":
            removed += _words(compared.old[i1:i2])
            added += _words(compared.new[j1:j2])
    return Counts(added=added, removed=removed)


def passages(old: str, new: str, *, context: int = PASSAGE_CONTEXT) -> list[SafeString]:
    """The changed passages only, each with a few unchanged words around it, as safe
    HTML (an ellipsis where the text goes on)."""
    compared = _Compared(old, new)
    found = []
    for group in compared.matcher.get_grouped_opcodes(context):
        if all(tag == "equal" for tag, *_rest in group):
            continue
        html = compared.html(group).strip()
        first, last = group[0], group[-1]
        if first[1] > 0 or first[3] > 0:
            html = "… " + html
        if last[2] < len(compared.old) or last[4] < len(compared.new):
            html += " …"
        found.append(mark_safe(clean_diff(html)))
    return found


def sections(text: str) -> list[tuple[str, str]]:
    """(heading, text) for each section of `text`: the text before the first level-2
    heading under the heading "" (left out when empty), then one per `## heading`.
    Headings inside fenced code are text."""
    found: list[tuple[str, list[str]]] = [("", [])]
    fenced = False
    for line in text.replace("\r\n", "\n").split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else _SECTION_HEADING.match(line)
        if heading:
            found.append((heading.group(1).strip(), []))
        else:
            found[-1][1].append(line)
    result = [(title, "\n".join(lines).strip()) for title, lines in found]
    if not result[0][1]:
        result.pop(0)
    return result


@dataclass(frozen=True)
class SectionChange:
    """One section that changed: `status` "added", "removed" or "changed"."""

    title: str
    status: str
    added: int
    removed: int
    passages: list[SafeString] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """The id the chapter page gives the section's heading (none before the first)."""
        return heading_anchor(self.title) if self.title else ""


def _paired(
    old: list[tuple[str, str]], new: list[tuple[str, str]]
) -> Iterator[tuple[str, str | None, str | None]]:
    """(title, old text or None, new text or None): the new sections in their order,
    then the removed ones. A heading that appears twice pairs in order."""
    remaining: dict[str, list[str]] = {}
    for title, body in old:
        remaining.setdefault(title, []).append(body)
    for title, body in new:
        olds = remaining.get(title)
        yield title, (olds.pop(0) if olds else None), body
    for title, bodies in remaining.items():
        for body in bodies:
            yield title, body, None


def section_changes(old: str, new: str, *, with_passages: bool = True) -> list[SectionChange]:
    """The sections that changed from `old` to `new`, with words added and removed and
    (`with_passages`) the changed passages; unchanged sections are left out."""
    changes = []
    for title, before, after in _paired(sections(old), sections(new)):
        counted = counts(before or "", after or "")
        if before is not None and after is not None and not counted.changed:
            continue
        status = "added" if before is None else "removed" if after is None else "changed"
        changes.append(
            SectionChange(
                title=title,
                status=status,
                added=counted.added,
                removed=counted.removed,
                passages=passages(before or "", after or "") if with_passages else [],
            )
        )
    return changes
