"""Mijn doorgeefketen: the copies a member passed on, the copies those passed on, and so
on, read one level at a time (one query a level, however many members a level holds),
down to MAX_DEPTH levels; and the same chain drawn as an SVG tree.

Names follow each member's own choice: a member hidden from the directory is shown by
number only, a member who chose no name likewise, a member who left as "een oud-lid"."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.charts import svg_frame

from .models import Membership, Visibility, member_credit

#: How many levels below the member the chain goes: deep enough for any real chain, and
#: a bound on the queries one page can cost.
MAX_DEPTH = 6
#: The chain's milestones: how many copies passed on, directly or further down.
MILESTONES = (1, 5, 10, 25)
#: The drawing shows this many copies; the table beneath it has them all.
DRAWN_MAX = 200

ROW_HEIGHT = 28
INDENT = 28

#: The shape of a level's marks, so that levels differ without colour.
SHAPES = ("circle", "square", "diamond", "triangle")
LEVEL_NAMES = (
    gettext_lazy("direct doorgegeven"),
    gettext_lazy("tweede schakel"),
    gettext_lazy("derde schakel"),
    gettext_lazy("vierde schakel"),
    gettext_lazy("vijfde schakel"),
    gettext_lazy("zesde schakel"),
)


@dataclass
class Link:
    """One copy in the chain: who holds it, at which level, passed on by whom."""

    membership: Membership
    level: int
    name: str
    parent_name: str = ""
    children: list["Link"] = field(default_factory=list)


@dataclass
class Milestone:
    count: int
    reached_at: datetime | None


@dataclass
class Chain:
    links: list[Link]
    levels: list[int]
    milestones: list[Milestone]

    @property
    def total(self) -> int:
        return len(self.links)


def chain_name(membership: Membership) -> str:
    """How a member is named in someone else's chain, by their own visibility choice."""
    if membership.user_id is None:
        return str(_("een oud-lid"))
    profile = getattr(membership, "profile", None)
    name = ""
    if profile is not None and profile.visibility != Visibility.HIDDEN:
        name = profile.display_name
    return member_credit(name=name, number=membership.number)


def chain_of(membership: Membership, *, max_depth: int = MAX_DEPTH) -> Chain:
    """The member's chain, level by level: one query a level (level n is whoever was
    invited by someone n - 1 steps below the member: n joins, no list of ids however
    wide the level), and one more that finds the level below the last empty. A member
    met again (a corrupt cycle) is not counted twice."""
    roots: list[Link] = []
    by_pk: dict[int, Link] = {membership.pk: Link(membership=membership, level=0, name="")}
    level, found = 0, [membership]
    while found and level < max_depth:
        level += 1
        path = "__".join(["invited_by"] * level)
        found = list(
            Membership.objects.filter(**{path: membership})
            .select_related("profile")
            .order_by("claimed_at", "number")
        )
        found = [each for each in found if each.pk not in by_pk]
        for each in found:
            link = Link(membership=each, level=level, name=chain_name(each))
            by_pk[each.pk] = link
            parent = by_pk.get(each.invited_by_id or 0)
            if parent is not None and parent.level == 0:
                parent = None
            if parent is None:
                roots.append(link)
            else:
                link.parent_name = parent.name
                parent.children.append(link)
    links = _depth_first(roots)
    levels = [sum(1 for link in links if link.level == n) for n in range(1, level + 1)]
    while levels and not levels[-1]:
        levels.pop()
    moments = sorted(link.membership.claimed_at for link in links)
    milestones = [
        Milestone(count=count, reached_at=moments[count - 1] if len(moments) >= count else None)
        for count in MILESTONES
    ]
    return Chain(links=links, levels=levels, milestones=milestones)


def _depth_first(roots: list[Link]) -> list[Link]:
    ordered: list[Link] = []
    stack = list(reversed(roots))
    while stack:
        link = stack.pop()
        ordered.append(link)
        stack.extend(reversed(link.children))
    return ordered


def _mark(shape: str, x: int, y: int) -> SafeString:
    if shape == "circle":
        return format_html('<circle class="tree__mark" cx="{}" cy="{}" r="6"/>', x, y)
    if shape == "square":
        return format_html(
            '<rect class="tree__mark" x="{}" y="{}" width="12" height="12"/>', x - 6, y - 6
        )
    if shape == "diamond":
        points = f"{x},{y - 7} {x + 7},{y} {x},{y + 7} {x - 7},{y}"
    else:
        points = f"{x},{y - 7} {x + 7},{y + 6} {x - 7},{y + 6}"
    return format_html('<polygon class="tree__mark" points="{}"/>', points)


def chain_svg(chain: Chain, *, owner: str) -> SafeString:
    """The chain as a tree, one copy a row, indented by level: a line to whoever passed
    it on, a mark whose shape says the level, and the name with the level in words.
    No colour carries meaning; the table beside it says the same for screen readers."""
    drawn = chain.links[:DRAWN_MAX]
    rows: list[SafeString] = [
        format_html(
            '<g class="tree__row tree__row--root">{}<text class="tree__label" x="{}" y="{}">'
            "{}</text></g>",
            _mark("circle", 12, ROW_HEIGHT // 2),
            26,
            ROW_HEIGHT // 2 + 5,
            owner,
        )
    ]
    row_of: dict[int, int] = {}
    for index, link in enumerate(drawn, start=1):
        row_of[link.membership.pk] = index
        x = 12 + link.level * INDENT
        y = index * ROW_HEIGHT + ROW_HEIGHT // 2
        parent_row = row_of.get(link.membership.invited_by_id or 0, 0)
        parent_x = 12 + (link.level - 1) * INDENT
        parent_y = parent_row * ROW_HEIGHT + ROW_HEIGHT // 2
        shape = SHAPES[(link.level - 1) % len(SHAPES)]
        rows.append(
            format_html(
                '<g class="tree__row"><path class="tree__line" d="M{} {} V{} H{}"/>{}'
                '<text class="tree__label" x="{}" y="{}">{} <tspan class="tree__level">'
                "({})</tspan></text></g>",
                parent_x,
                parent_y + 7,
                y,
                x - 7,
                _mark(shape, x, y),
                x + 14,
                y + 5,
                link.name,
                LEVEL_NAMES[link.level - 1],
            )
        )
    height = (len(drawn) + 1) * ROW_HEIGHT + 4
    title = _("Doorgeefketen van %(owner)s") % {"owner": owner}
    desc = _(
        "%(count)s exemplaren doorgegeven, in %(levels)s schakels: elke rij een lid, "
        "ingesprongen onder wie het doorgaf; de vorm van het teken zegt de schakel."
    ) % {"count": chain.total, "levels": len(chain.levels)}
    return svg_frame(
        chart_id="chain",
        title=title,
        desc=desc,
        height=height,
        body=format_html_join("", "{}", ((row,) for row in rows)),
        kind="tree",
    )
