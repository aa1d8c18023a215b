from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def baseline(request):
    """The least a page can cost here: the whole middleware stack (sessions, locale,
    CSRF, authentication, CSP ...), no database query of its own, no template."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
