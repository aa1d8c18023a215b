"""Mijn doorgeefketen: the copies a member passed on, the copies those passed on, and so
on, read one level at a time (one query a level, however many members a level holds),
down to MAX_DEPTH levels; and the same chain drawn as an SVG tree.

The drawing stays a bounded size however long the chain: a few copies a member and a
level are drawn, and a row "+ 312 meer" counts the rest; the table lists every copy.

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
#: The drawing shows at most this many copies under one member and in one level; a row
#: "+ 312 meer" under a member counts the rest (with everyone below them), and the table
#: beneath it has them all.
DRAWN_PER_PARENT = 4
DRAWN_PER_LEVEL = 8
#: So the drawing never has more rows than this: the owner, the copies drawn, and a
#: "meer" row under the owner and under each copy drawn above the last level.
MAX_ROWS = 1 + MAX_DEPTH * DRAWN_PER_LEVEL + 1 + (MAX_DEPTH - 1) * DRAWN_PER_LEVEL

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
    #: The copies the member passed on themselves (the tree's first level).
    roots: list[Link] = field(default_factory=list)

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
    return Chain(links=links, levels=levels, milestones=milestones, roots=roots)


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


@dataclass
class More:
    """A row that stands for copies not drawn: `count` copies below the member on the
    row above it (at `level` and further down), listed in the table."""

    level: int
    parent_pk: int | None
    count: int


@dataclass
class Drawing:
    svg: SafeString
    drawn: int
    not_drawn: int


def _subtree_sizes(links: list[Link]) -> dict[int, int]:
    """Each copy's number of copies from it down, itself included (`links` depth first:
    a copy's children come after it, so the reversed order has them first)."""
    sizes: dict[int, int] = {}
    for link in reversed(links):
        sizes[link.membership.pk] = 1 + sum(sizes[c.membership.pk] for c in link.children)
    return sizes


def _to_draw(roots: list[Link]) -> set[int]:
    """The copies drawn, level by level: at most DRAWN_PER_PARENT under a member and
    DRAWN_PER_LEVEL in a level, the first ones in the table's order; only under a copy
    that is drawn itself."""
    drawn: set[int] = set()
    families = [roots]
    while families:
        room, below = DRAWN_PER_LEVEL, []
        for children in families:
            taken = children[: min(DRAWN_PER_PARENT, room)]
            room -= len(taken)
            drawn.update(link.membership.pk for link in taken)
            below += [link.children for link in taken if link.children]
        families = below
    return drawn


def drawing_rows(chain: Chain) -> list[Link | More]:
    """The drawing's rows in the table's order: the copies drawn, and beneath the drawn
    children of a member one More for the rest of them with everyone below those. Every
    copy is a row or counted in exactly one More."""
    drawn, sizes = _to_draw(chain.roots), _subtree_sizes(chain.links)
    rows: list[Link | More] = []

    def family(children: list[Link], level: int, parent_pk: int | None) -> None:
        rest = 0
        for link in children:
            if link.membership.pk in drawn:
                rows.append(link)
                family(link.children, level + 1, link.membership.pk)
            else:
                rest += sizes[link.membership.pk]
        if rest:
            rows.append(More(level=level, parent_pk=parent_pk, count=rest))

    family(chain.roots, 1, None)
    return rows


def _branch(level: int, parent_row: int, index: int) -> tuple[int, int, int, int]:
    """Where a row's line starts and ends, and its mark: (parent x, parent y, x, y)."""
    return (
        12 + (level - 1) * INDENT,
        parent_row * ROW_HEIGHT + ROW_HEIGHT // 2,
        12 + level * INDENT,
        index * ROW_HEIGHT + ROW_HEIGHT // 2,
    )


def chain_svg(chain: Chain, *, owner: str) -> Drawing:
    """The chain as a tree, one copy a row, indented by level: a line to whoever passed
    it on, a mark whose shape says the level, and the name with the level in words.
    Bounded whatever the chain (at most MAX_ROWS rows): where a member passed on more
    than is drawn, a row "+ 312 meer (in de tabel)" says how many copies it leaves out;
    the table names them all, and the page links to it beneath the drawing (a link
    inside the drawing would be one inside an image, which screen readers do not
    announce). No colour carries meaning; the table beside it says the same for screen
    readers."""
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
    drawn = not_drawn = 0
    for index, row in enumerate(drawing_rows(chain), start=1):
        if isinstance(row, More):
            parent_x, parent_y, x, y = _branch(row.level, row_of.get(row.parent_pk or 0, 0), index)
            not_drawn += row.count
            rows.append(
                format_html(
                    '<g class="tree__row tree__row--more" data-count="{}">'
                    '<path class="tree__line tree__line--more" d="M{} {} V{} H{}"/>'
                    '<text class="tree__label tree__more" x="{}" y="{}">{}</text></g>',
                    row.count,
                    parent_x,
                    parent_y + 7,
                    y,
                    x - 4,
                    x,
                    y + 5,
                    _("+ %(count)s meer (in de tabel)") % {"count": row.count},
                )
            )
            continue
        link = row
        row_of[link.membership.pk] = index
        parent_row = row_of.get(link.membership.invited_by_id or 0, 0)
        parent_x, parent_y, x, y = _branch(link.level, parent_row, index)
        drawn += 1
        shape = SHAPES[(link.level - 1) % len(SHAPES)]
        rows.append(
            format_html(
                '<g class="tree__row tree__row--copy"><path class="tree__line" '
                'd="M{} {} V{} H{}"/>{}<text class="tree__label" x="{}" y="{}">{} '
                '<tspan class="tree__level">({})</tspan></text></g>',
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
    height = len(rows) * ROW_HEIGHT + 4
    title = _("Doorgeefketen van %(owner)s") % {"owner": owner}
    desc = _(
        "%(count)s exemplaren doorgegeven, in %(levels)s schakels: elke rij een lid, "
        "ingesprongen onder wie het doorgaf; de vorm van het teken zegt de schakel."
    ) % {"count": chain.total, "levels": len(chain.levels)}
    if not_drawn:
        desc += " " + _(
            "Getekend zijn er %(drawn)s; een rij „+ meer” zegt hoeveel er onder een lid "
            "niet getekend zijn, samen %(not_drawn)s. De tabel noemt ze allemaal."
        ) % {"drawn": drawn, "not_drawn": not_drawn}
    svg = svg_frame(
        chart_id="chain",
        title=title,
        desc=desc,
        height=height,
        body=format_html_join("", "{}", ((row,) for row in rows)),
        kind="tree",
    )
    return Drawing(svg=svg, drawn=drawn, not_drawn=not_drawn)
