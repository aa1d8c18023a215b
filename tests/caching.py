"""Emptying the caches in a test."""

from django.core.cache import caches


def clear_caches() -> None:
    """Empty every cache: the shared one, the long tail and, with Redis, this process's
    near copies (core.cache), which clearing the shared cache alone would leave."""
    for each in caches.all():
        each.clear()
