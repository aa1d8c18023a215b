"""Whole numbers from outside (an address, a form) are bounded before they reach the
database. A number may be written with any count of digits, and one past a signed 64-bit
integer does not fit the database's: SQLite's driver refuses it with OverflowError,
PostgreSQL with an error of its own, and both become a 500. The ORM's `pk=` comparisons
handle such a number (no row), but the queries of core.prepared send it as it is and so
does `pk__in`.

`<id:pk>` in a URL pattern (`IdConverter`, registered in core.apps) matches 1 to MAX_ID
written in ASCII digits; anything else does not match the pattern, so the address is a
404 before a view runs. A form field that takes ids posted as a list is
`BoundedModelMultipleChoiceField`. A page number has its own, smaller bound
(core.paging)."""

from django import forms

#: The largest id a row can have: a BigAutoField is a signed 64-bit integer.
MAX_ID = 2**63 - 1


def bounded_id(value) -> int | None:
    """`value` as an id from 1 to MAX_ID, or None when it is no such number."""
    try:
        number = int(value)
    except (TypeError, ValueError):  # ValueError also for thousands of digits
        return None
    return number if 1 <= number <= MAX_ID else None


class IdConverter:
    """An id in a path: 1 to 19 ASCII digits (MAX_ID has 19), from 1 to MAX_ID."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = bounded_id(value)
        if number is None:
            raise ValueError(value)  # the pattern does not match: a 404
        return number

    def to_url(self, value) -> str:
        number = bounded_id(value)
        if number is None:
            raise ValueError(value)  # reverse() finds no match
        return str(number)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField of ids that refuses a number past MAX_ID (or below 1)
    as a choice that does not exist: Django's own sends it to the database in `pk__in`."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # not a number at all: Django's own check refuses it
            if not 1 <= number <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # Django's, private
