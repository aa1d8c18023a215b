"""The newsletter's pages: the public archive of sent issues, and the curators' pages
to write, preview, test and schedule an issue, with what sending counted."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from book.models import user_is_member
from core.paging import counted_page
from core.roles import curator_required
from stories.models import NotificationSettings

from . import services
from .content import parts
from .forms import IssueForm
from .models import DeliveryStatus, Issue

ARCHIVE_PER_PAGE = 20


@require_safe
def archive(request):
    page = counted_page(request.GET, Issue.objects.archived(), per_page=ARCHIVE_PER_PAGE)
    return render(request, "newsletter/archive.html", {"page": page})


@require_safe
def issue(request, pk):
    """An issue that went out; its members-only parts for members only."""
    found = get_object_or_404(Issue.objects.archived(), pk=pk)
    context = {"issue": found, "parts": parts(found.body), "member": user_is_member(request.user)}
    return render(request, "newsletter/issue.html", context)


def _counted(issues):
    return issues.annotate(
        **{
            f"{status}_count": Count("deliveries", filter=Q(deliveries__status=status))
            for status in DeliveryStatus.values
        }
    )


@require_safe
@curator_required("newsletter.change_issue")
def curation(request):
    issues = _counted(Issue.objects.select_related("created_by")).order_by("-created_at", "-pk")
    unsubscribed = NotificationSettings.objects.filter(newsletter=False).count()
    return render(
        request, "newsletter/curation.html", {"issues": issues, "unsubscribed": unsubscribed}
    )


@require_http_methods(["GET", "POST"])
@curator_required("newsletter.change_issue")
def issue_edit(request, pk=None):
    """Write an issue and act on it: preview, save, test to myself, schedule, or take
    back. Bad input shows the form again with what was typed and a clear error."""
    found = None
    if pk is not None:
        found = get_object_or_404(Issue, pk=pk)
    form = IssueForm(request.POST or None, instance=found, initial=_initial(found))
    action = request.POST.get("action", "save")
    preview = None
    if request.method == "POST" and form.is_valid():
        if action == "preview":
            preview = parts(form.cleaned_data["body"])
        else:
            try:
                return _act(request, found, form, action)
            except services.IssueError as error:
                form.add_error(None, error.message)
    status = 400 if request.method == "POST" and form.errors else 200
    context = {"form": form, "issue": found, "preview": preview}
    return render(request, "newsletter/issue_form.html", context, status=status)


def _initial(found):
    return {"send_at": found.send_at} if found is not None and found.send_at else {}


def _act(request, found, form, action):
    data = form.cleaned_data
    if action == "unschedule" and found is not None:
        services.issue_unschedule(issue=found)
        messages.success(request, _("Het nummer is weer een concept."))
        return redirect("newsletter:edit", pk=found.pk)
    if action == "schedule":
        services.send_at_check(send_at=data.get("send_at"))
    saved = services.issue_save(issue=found, user=request.user, **data)
    if action == "test":
        services.issue_test_send(issue=saved, user=request.user)
        messages.success(
            request,
            _("De proef is onderweg naar %(email)s.") % {"email": request.user.email},
        )
    elif action == "schedule":
        saved = services.issue_schedule(issue=saved, send_at=data.get("send_at"))
        messages.success(request, _("Het nummer is ingepland en gaat vanzelf weg."))
    else:
        messages.success(request, _("Het nummer is bewaard."))
    return redirect("newsletter:edit", pk=saved.pk)
