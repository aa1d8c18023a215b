from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.paging import counted_page

from .forms import OrganisationFilterForm
from .models import Kind, Organisation

PAGE_SIZE = 50


@require_safe
def organisation_list(request, *, municipalities: bool):
    """ "Gemeenten" (/gemeenten/) and "Organisaties" (/organisaties/): the organisations
    with at least one current member, filterable by kind and province, with their
    member counts. Counts only: who the members are is on each organisation's page."""
    organisations = Organisation.objects.with_members().order_by("-founding", "name", "pk")
    if municipalities:
        organisations = organisations.filter(kind=Kind.MUNICIPALITY)
    form = OrganisationFilterForm(request.GET or None, kind_fixed=municipalities)
    if form.is_valid():
        if kind := form.cleaned_data.get("soort"):
            organisations = organisations.filter(kind=kind)
        if province := form.cleaned_data["provincie"]:
            organisations = organisations.filter(province=province)
    page = counted_page(request.GET, organisations, per_page=PAGE_SIZE)
    return render(
        request,
        "organisations/organisation_list.html",
        {
            "municipalities": municipalities,
            "form": form,
            "page": page,
            "filtered": bool(request.GET.get("soort") or request.GET.get("provincie")),
        },
    )
