""" "Samen geschreven": the page where the author of a story written together takes a
co-author off, and a co-author withdraws their name, and the two forms it posts. They
live above stories, editions and introductions, since ending a co-authorship changes
all three (community.coauthorship). Only the author and the co-authors find the page;
only the author takes someone off, only a co-author withdraws: anyone else gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from core.http import post_only
from members.models import Membership, membership_display_name
from stories.models import Story

from .coauthorship import story_coauthor_end

BACK = _("Naar samen geschreven")


def _membership_or_404(request) -> Membership:
    membership = Membership.objects.for_user(request.user)
    if membership is None:
        raise Http404
    return membership


@login_required
@require_safe
def story_coauthors(request, pk):
    """Asks before it is done: who writes the story with whom, and what ending it does."""
    membership = _membership_or_404(request)
    stories = Story.objects.select_related("chapter", "author__profile")
    story = stories.by(membership).filter(pk=pk).first() or get_object_or_404(
        stories.filter(coauthors=membership), pk=pk
    )
    coauthors = list(story.coauthors.select_related("profile").order_by("pk"))
    return render(
        request,
        "stories/story_coauthors.html",
        {
            "story": story,
            "is_author": story.author_id == membership.pk,
            "author_name": story.author_name,
            "coauthors": [(c, membership_display_name(c)) for c in coauthors],
        },
    )


@post_only("story_coauthors", label=BACK)
@login_required
def story_coauthor_withdraw(request, pk):
    membership = _membership_or_404(request)
    story = get_object_or_404(Story.objects.filter(coauthors=membership), pk=pk)
    if story_coauthor_end(story=story, membership=membership, user=request.user):
        messages.success(request, _("Je naam staat niet meer bij dit verhaal."))
    if Story.objects.visible_to(request.user).filter(pk=story.pk).exists():
        return redirect(story)
    return redirect("stories:mine")


@post_only(lambda request, pk, coauthor: reverse("story_coauthors", args=[pk]), label=BACK)
@login_required
def story_coauthor_remove(request, pk, coauthor):
    membership = _membership_or_404(request)
    story = get_object_or_404(Story.objects.by(membership), pk=pk)
    other = get_object_or_404(story.coauthors.select_related("profile"), pk=coauthor)
    if story_coauthor_end(story=story, membership=other, user=request.user):
        messages.success(
            request,
            _("%(name)s staat niet meer bij dit verhaal.")
            % {"name": membership_display_name(other)},
        )
    return redirect("story_coauthors", pk=story.pk)
