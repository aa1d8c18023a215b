"""What a batch of claim codes is printed from: a CSV of its codes and an A4 sheet of
labels with QR codes. Curators reach them through the admin, an organisation's
coordinators through their own pages; both answer with these."""

import segno
from django.conf import settings
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from core.exports import csv_response

from .models import ClaimCode, CodeBatch


def claim_url(request, claim_code: ClaimCode) -> str:
    """The absolute address printed on a copy, in the site's default language: it must
    keep working whatever language the curator's admin is in."""
    with translation.override(settings.LANGUAGE_CODE):
        path_ = reverse("members:code_claim", kwargs={"code": claim_code.display})
    return request.build_absolute_uri(path_)


def batch_csv(request, batch: CodeBatch):
    return csv_response(
        filename=f"codes-{batch.pk}.csv",
        header=["code", "url", "status"],
        rows=(
            [claim_code.display, claim_url(request, claim_code), claim_code.status]
            for claim_code in batch.codes.order_by("pk")
        ),
    )


def batch_labels(request, batch: CodeBatch):
    """A printable A4 sheet of labels: QR code, code and address. The SVG carries no
    style attribute and the page no <style>: the CSP forbids both; the layout is in
    static/css/labels.css."""
    labels = []
    for claim_code in batch.codes.available().order_by("pk"):
        url = claim_url(request, claim_code)
        svg = segno.make(url, error="m").svg_inline(
            scale=1, omitsize=True, svgclass="label__qr", title=claim_code.display
        )
        labels.append({"code": claim_code.display, "url": url, "svg": mark_safe(svg)})
    return TemplateResponse(
        request, "members/codebatch_labels.html", {"batch": batch, "labels": labels}
    )
