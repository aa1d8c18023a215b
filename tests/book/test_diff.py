"""Word-level differences (core.diff): marked accessibly, safe whatever the text holds,
and counted per section."""

import pytest

from core.diff import Counts, counts, diff_html, passages, section_changes, sections
from tests.markup import parse, select, text, texts


def test_inserted_and_deleted_words_are_marked_with_a_hidden_label():
    html = diff_html("De gemeente luistert goed.", "De gemeente luistert\necht goed.")

    assert texts(html, "ins") == ["toegevoegd: echt"]
    assert texts(html, "ins .visually-hidden") == ["toegevoegd:"]
    assert select(html, "del") == []
    assert text(parse(html)) == "De gemeente luistert toegevoegd: echt goed."


def test_a_replaced_word_is_a_deletion_then_an_insertion():
    html = diff_html("Inwoners praten mee.", "Inwoners beslissen mee.")
    assert texts(html, "del") == ["verwijderd: praten"]
    assert texts(html, "ins") == ["toegevoegd: beslissen"]


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "</ins><b onclick=x>vet</b>",
        '<span class="visually-hidden">nep</span>',
    ],
)
def test_no_text_brings_markup_of_its_own(attack):
    html = diff_html("Een tekst.", f"Een tekst. {attack}")
    tree = parse(html)
    assert {element.tag for element in tree.iter()} <= {"html", "body", "p", "ins", "del", "span"}
    assert not [e for e in tree.iter() if set(e.attrib) - {"class"}]
    # What was typed is shown as text, whole.
    assert attack in text(tree).replace("toegevoegd: ", "")


def test_words_added_and_removed_are_counted_white_space_is_no_word():
    assert counts("een twee drie", "een drie vier vijf") == Counts(added=2, removed=1)
    assert counts("zelfde  tekst", "zelfde\ntekst") == Counts(added=0, removed=0)


def test_sections_are_the_level_two_headings_not_deeper_ones_or_code():
    text_ = "Inleiding.\n\n## Een\n\nA.\n\n### Dieper\n\nB.\n\n```\n## geen kop\n```\n\n## Twee ##\n\nC."
    assert [title for title, _body in sections(text_)] == ["", "Een", "Twee"]
    assert [title for title, _body in sections("## Alleen\n\nTekst.")] == ["Alleen"]


def test_section_changes_say_per_section_what_was_added_and_removed():
    old = "Begin.\n\n## Een\n\nZelfde tekst.\n\n## Twee\n\nOude zin hier.\n\n## Weg\n\nDit gaat."
    new = "Begin.\n\n## Een\n\nZelfde tekst.\n\n## Twee\n\nNieuwe zin hier.\n\n## Erbij\n\nNieuw stuk."

    changes = {change.title: change for change in section_changes(old, new)}

    assert set(changes) == {"Twee", "Erbij", "Weg"}
    assert (changes["Twee"].status, changes["Twee"].added, changes["Twee"].removed) == (
        "changed",
        1,
        1,
    )
    assert (changes["Erbij"].status, changes["Erbij"].added) == ("added", 2)
    assert (changes["Weg"].status, changes["Weg"].removed) == ("removed", 2)
    assert changes["Twee"].anchor == "twee"
    assert texts(changes["Twee"].passages[0], "ins") == ["toegevoegd: Nieuwe"]


def test_a_passage_shows_the_change_with_a_few_words_around_it():
    old = " ".join(f"woord{n}" for n in range(60))
    new = old.replace("woord30", "NIEUW")
    (passage,) = passages(old, new)
    shown = text(parse(passage))
    assert shown.startswith("… ") and shown.endswith(" …")
    assert "woord29" in shown and "woord31" in shown
    assert "woord1 " not in shown and "woord59" not in shown
