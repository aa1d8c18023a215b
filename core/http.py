"""Addresses that only take a form's POST, and what someone gets who opens one.

Such an address is the `action` of a form on another page (a reply under a story, a
reaction, following a chapter). Opened as a page (a link shared, a bookmark, the way back
after logging in) it used to answer a blank 405. `post_only` answers every other method
with a page in the site's layout, status 405 still, that says what the address is for and
links to where the form lives.

The way back after logging in: a member whose session ended while writing, sends the
form and is asked to log in first, which returns them to this address by GET. The text
they wrote must not be lost on that round: `keep` names the fields that survive it.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse
from django.utils.log import log_response
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods
from django_stubs_ext import StrOrPromise

#: Where in the session the fields of a POST that waited for a login are kept, by path.
KEPT = "post_only:kept"
#: Longer texts are not kept: no form of the site takes them, and the session is no
#: place for them.
KEEP_MAX_CHARS = 20_000


def post_only(
    back: str | Callable[..., str],
    *,
    label: StrOrPromise,
    anchor: str = "",
    keep: dict[str, StrOrPromise] | None = None,
):
    """For a view that only takes POST. Any other method gets status 405 (Allow: POST)
    with templates/405.html: what the address is for, and a link with `label` to where
    its form lives: `back`, a URL name reversed with the view's own arguments (the
    address of the story a reply URL belongs to, say) plus `#anchor`, or a callable
    (request, **kwargs) -> URL.

    `keep` (field name -> its label): a POST from someone not logged in keeps these
    fields in the session and goes to the login page, back to this address. Its page
    then shows what they wrote in a form that sends it here again; sending it (or
    anything else here) forgets it. Put `post_only` above `login_required` so that it
    sees the request first."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                if keep and not request.user.is_authenticated:
                    return _keep_and_log_in(request, keep)
                if KEPT in request.session:
                    _forget(request)
                return view(request, *args, **kwargs)
            if callable(back):
                url = back(request, **kwargs)
            else:
                url = reverse(back, kwargs=kwargs or None)
            kept = request.session.get(KEPT, {}).get(request.path, {})
            context = {
                "back_url": f"{url}#{anchor}" if anchor else url,
                "back_label": label,
                "kept": [
                    {"name": name, "label": field_label, "value": kept[name]}
                    for name, field_label in (keep or {}).items()
                    if request.user.is_authenticated and name in kept
                ],
            }
            response = render(request, "405.html", context, status=405)
            response["Allow"] = "POST"
            log_response(
                "Method Not Allowed (%s): %s",
                request.method,
                request.path,
                response=response,
                request=request,
            )
            return response

        wrapped.post_only_back = back  # type: ignore[attr-defined]  # found by its tests
        return wrapped

    return decorator


def _keep_and_log_in(request, keep: dict[str, StrOrPromise]):
    fields = {
        name: request.POST[name]
        for name in keep
        if name in request.POST and len(request.POST[name]) <= KEEP_MAX_CHARS
    }
    if fields:
        request.session[KEPT] = request.session.get(KEPT, {}) | {request.path: fields}
    return redirect_to_login(request.get_full_path())


def _forget(request) -> None:
    kept = request.session[KEPT]
    if request.path in kept:
        del kept[request.path]
        request.session.modified = True


def one_click(page: Callable) -> Callable:
    """An e-mail's "stop" link (RFC 8058): GET shows `page`'s confirmation, POST does it.

    The one-click POST comes from a mail program, without a session or CSRF token: the
    signed token in the URL is what authorises it (a forged request would need a token
    only the recipient has), and all it can do is switch something off. So the CSRF
    check is waived for that POST only; the confirmation page's own form, and any other
    POST, go through the ordinary check."""

    @csrf_exempt
    @require_http_methods(["GET", "POST"])
    @wraps(page)
    def view(request, *args, **kwargs):
        if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
            return page(request, *args, **kwargs)
        return csrf_protect(page)(request, *args, **kwargs)

    return view
