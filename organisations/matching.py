"""Matching free text ("zwolle", "Gemeente Zwolle", "Den Bosch") to organisations: how
the municipalities typed on profiles and stories before organisations existed find
theirs. Plain functions on names, so that a data migration can use them as well."""

import re
import unicodedata
from collections.abc import Iterable

PREFIX = re.compile(r"^(gemeente|gem\.|municipality of)\s+")
SUFFIX = re.compile(r"\s*\((?:[a-z]{1,2}\.?)\)$")

#: Names people use for a municipality whose official name differs: normalised alias ->
#: CBS code.
ALIASES = {
    "den bosch": "GM0796",
    "s hertogenbosch": "GM0796",
    "hertogenbosch": "GM0796",
    "den haag": "GM0518",
    "the hague": "GM0518",
    "s gravenhage": "GM0518",
    "hengelo": "GM0164",
    "hengelo ov": "GM0164",
}


def normalised(text: str) -> str:
    """Case, diacritics, a "Gemeente " prefix, apostrophes, hyphens and spacing
    ignored: "Gemeente  Súdwest-Fryslân" -> "sudwest fryslan"."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = text.lower().strip()
    text = PREFIX.sub("", text)
    text = re.sub(r"['`´’]", "", text)
    text = re.sub(r"[-_./,]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def index_build(organisations: Iterable[tuple[int, str, str | None]]) -> dict[str, int]:
    """Normalised name -> organisation id, from (id, name, cbs_code) triples. A
    municipality whose official name carries a province ("Laren (NH.)") is found by its
    bare name as well, unless two share it (Bergen); the aliases are added last."""
    index: dict[str, int] = {}
    bare: dict[str, set[int]] = {}
    by_code: dict[str, int] = {}
    for pk, name, cbs_code in organisations:
        index.setdefault(normalised(name), pk)
        stripped = SUFFIX.sub("", name.lower().strip())
        bare.setdefault(normalised(stripped), set()).add(pk)
        if cbs_code:
            by_code[cbs_code] = pk
    for name, pks in bare.items():
        if len(pks) == 1:
            index.setdefault(name, next(iter(pks)))
    for alias, code in ALIASES.items():
        if code in by_code:
            index.setdefault(alias, by_code[code])
    return index


def match(text: str, index: dict[str, int]) -> int | None:
    key = normalised(text)
    return index.get(key) if key else None
