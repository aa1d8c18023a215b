"""Emptying the caches in a test."""

from django.core.cache import caches

from core.cache import recent_versions_forget


def clear_caches() -> None:
    """Empty every cache: the shared one, the long tail and, with Redis, this process's
    near copies (core.cache), which clearing the shared cache alone would leave; and the
    versions this process read last (core.cache.recent_versions)."""
    for each in caches.all():
        each.clear()
    recent_versions_forget()
