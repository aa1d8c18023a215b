"""The coordinators' pages of an organisation (/organisaties/<slug>/beheer/...): edit
its page, verify and remove affiliations, appoint coordinators, make and print
claim-code batches. Every view asks `may_coordinate` first: another organisation's
coordinator gets 403, and an object of another organisation (a batch, an affiliation)
a 404. Coordinators never see an e-mail address or a private affiliation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core.http import post_only
from core.paging import counted_page
from members.batch_exports import batch_csv, batch_labels
from members.models import Membership

from . import services
from .coordination import (
    batch_codes_used,
    coordinated_organisation,
    coordinator_appoint,
    organisation_batch_create,
)
from .forms import CoordinatorForm, OrganisationBatchForm, OrganisationEditForm
from .models import Affiliation, Coordinator, OrganisationBatch

#: Public affiliations a page of the coordinators' page lists, those still to be
#: verified first: an organisation with thousands of members pages them.
AFFILIATIONS_PER_PAGE = 50


def _to_dashboard_url(request, slug, **kwargs) -> str:
    return reverse("organisations:coordinate", kwargs={"slug": slug})


def _to_dashboard(organisation):
    return redirect("organisations:coordinate", slug=organisation.slug)


def _dashboard(
    request, organisation, *, edit_form=None, coordinator_form=None, batch_form=None, status=200
):
    affiliations = (
        Affiliation.objects.public()
        .current()
        .filter(organisation=organisation)
        .select_related("membership__profile")
        .order_by("verified", "membership__number", "pk")
    )
    return render(
        request,
        "organisations/coordinate.html",
        {
            "organisation": organisation,
            "affiliations": counted_page(
                request.GET, affiliations, per_page=AFFILIATIONS_PER_PAGE, param="verbindingen"
            ),
            "private_count": Affiliation.objects.current()
            .filter(organisation=organisation, public=False)
            .count(),
            "coordinators": Coordinator.objects.filter(organisation=organisation)
            .select_related("membership__profile")
            .order_by("membership__number"),
            "batches": OrganisationBatch.objects.filter(organisation=organisation)
            .select_related("batch")
            .order_by("-batch__created_at", "-pk"),
            "codes_left": organisation.batch_quota - batch_codes_used(organisation),
            "edit_form": edit_form or OrganisationEditForm(instance=organisation),
            "coordinator_form": coordinator_form or CoordinatorForm(),
            "batch_form": batch_form or OrganisationBatchForm(),
        },
        status=status,
    )


@login_required
@require_safe
def coordinate(request, slug):
    return _dashboard(request, coordinated_organisation(request.user, slug))


@post_only(_to_dashboard_url, label=gettext_lazy("Naar het beheer"))
@login_required
def organisation_edit(request, slug):
    organisation = coordinated_organisation(request.user, slug)
    form = OrganisationEditForm(request.POST, request.FILES, instance=organisation)
    if not form.is_valid():
        organisation.refresh_from_db()
        return _dashboard(request, organisation, edit_form=form, status=400)
    services.organisation_save(
        organisation=form.instance,
        logo=form.cleaned_data["new_logo"] or None,
        remove_logo=form.cleaned_data["remove_logo"],
    )
    messages.success(request, _("De pagina van %(name)s is bewaard.") % {"name": organisation})
    return _to_dashboard(organisation)


def _affiliation(organisation, pk) -> Affiliation:
    """A public affiliation with this organisation: private ones are not the
    coordinators' to see, and another organisation's are not theirs at all."""
    return get_object_or_404(
        Affiliation.objects.public().current(), pk=pk, organisation=organisation
    )


@post_only(_to_dashboard_url, label=gettext_lazy("Naar het beheer"))
@login_required
def affiliation_decide(request, slug, pk, *, verify: bool):
    """Verify (`verify`) or remove one of the organisation's public affiliations."""
    organisation = coordinated_organisation(request.user, slug)
    affiliation = _affiliation(organisation, pk)
    if verify:
        services.affiliation_verify(affiliation=affiliation)
        messages.success(request, _("De verbinding is bevestigd."))
    else:
        services.affiliation_remove(affiliation=affiliation)
        messages.success(request, _("De verbinding is weggehaald."))
    return _to_dashboard(organisation)


@post_only(_to_dashboard_url, label=gettext_lazy("Naar het beheer"))
@login_required
def coordinator_add(request, slug):
    organisation = coordinated_organisation(request.user, slug)
    form = CoordinatorForm(request.POST)
    if form.is_valid():
        membership = Membership.objects.filter(number=form.cleaned_data["number"]).first()
        if membership is None:
            form.add_error("number", _("Er is geen lid met dit nummer."))
        else:
            try:
                coordinator_appoint(organisation=organisation, membership=membership)
            except ValidationError as refusal:
                form.add_error("number", refusal)
    if form.errors:
        return _dashboard(request, organisation, coordinator_form=form, status=400)
    messages.success(request, _("De coördinator is aangesteld."))
    return _to_dashboard(organisation)


@post_only(_to_dashboard_url, label=gettext_lazy("Naar het beheer"))
@login_required
def batch_create(request, slug):
    organisation = coordinated_organisation(request.user, slug)
    form = OrganisationBatchForm(request.POST)
    if form.is_valid():
        try:
            organisation_batch_create(
                organisation=organisation,
                label=form.cleaned_data["label"],
                size=form.cleaned_data["size"],
                user=request.user,
            )
        except ValidationError as refusal:
            form.add_error("size", refusal)
    if form.errors:
        return _dashboard(request, organisation, batch_form=form, status=400)
    messages.success(request, _("De reeks codes is gemaakt."))
    return _to_dashboard(organisation)


def _batch(request, slug, pk):
    organisation = coordinated_organisation(request.user, slug)
    link = get_object_or_404(
        OrganisationBatch.objects.select_related("batch"), batch_id=pk, organisation=organisation
    )
    return link.batch


@login_required
@require_safe
def batch_export_csv(request, slug, pk):
    return batch_csv(request, _batch(request, slug, pk))


@login_required
@require_safe
def batch_export_labels(request, slug, pk):
    return batch_labels(request, _batch(request, slug, pk))
