"""Claim codes as people see them: 16 characters of Crockford base32 (80 random bits),
shown in groups of four (7KQ4-M2XD-9TRA-5B1C) and stored without the dashes."""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16
GROUP = 4

# Crockford's decoding rules: letters that look like digits are read as those digits.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


class MalformedCode(ValueError):
    pass


def generate_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(text: str) -> str:
    """The stored form of what someone typed: case does not matter, dashes and spaces are
    ignored, O is read as 0 and I, L as 1. Anything else outside the alphabet (U included,
    which Crockford leaves out) or a wrong length raises MalformedCode."""
    cleaned = "".join(text.split()).replace("-", "").upper().translate(_LOOKALIKES)
    if len(cleaned) != LENGTH or any(char not in ALPHABET for char in cleaned):
        raise MalformedCode(text)
    return cleaned


def format_code(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
