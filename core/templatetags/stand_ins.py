"""`{% pressed %}`: a button's pressed state, or in a render shared by many visitors the
stand-in core.cache.personalise fills in for each of them.

    {% load stand_ins %}
    <button type="submit" {% pressed story.pk "dank" given=story.thanks_given %}>

writes `aria-pressed="true"` or `"false"` as `given` has it; in a render given
core.cache.shared_context() it writes the stand-in (not pressed), whatever `given` is."""

from django import template
from django.utils.safestring import SafeString

from core import cache

register = template.Library()


@register.simple_tag(takes_context=True)
def pressed(context, *item, given: bool = False) -> SafeString:
    return cache.pressed(item, given=bool(given), shared=bool(context.get("shared")))
