"""`{% calendar_links %}`: subscribing to a meetings feed (webcal://, which a calendar
app keeps up to date) and downloading it once, for all meetings or for the meetings of
one organisation (`{% calendar_links organisation %}`)."""

from django import template
from django.urls import reverse

from organisations.models import Organisation

from ..calendar import subscribe_url

register = template.Library()


@register.inclusion_tag("meetings/_calendar_links.html")
def calendar_links(organisation: Organisation | None = None) -> dict:
    if organisation is None:
        path = reverse("meetings:calendar")
    else:
        path = reverse("meetings:organisation_calendar", kwargs={"slug": organisation.slug})
    return {"organisation": organisation, "download": path, "subscribe": subscribe_url(path)}
