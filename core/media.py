"""Sending an upload once the layer above has decided that the visitor may see it.

Uploads keep their address (MEDIA_URL + the file's name in storage), so the HTML that
names them (Markdown images of uploads, stored rendered) keeps working; what changed is
that an upload is no longer a plain file on the web server. community.media_views finds
the page an upload belongs to and asks that page's access rule; this module only turns a
name from a URL into a storage name, and a granted name into a response:

- with SERVE_MEDIA (development, tests, `make serve`) Django streams the file itself;
- without it (production behind deploy/nginx.conf) the answer is empty and carries
  `X-Accel-Redirect: MEDIA_INTERNAL_URL + name`: nginx then sends the file from its
  `internal` location, which no request from outside can reach.
"""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control

#: How long a browser or a shared cache may keep an upload that everyone may see. Short:
#: a story that is hidden later must not go on being shown from a cache for days.
PUBLIC_SECONDS = 3600

#: An upload is shown as what it is, never run as a page of this site (nginx's internal
#: location sends the same header).
UPLOAD_CSP = "default-src 'none'; img-src 'self'; sandbox"


def upload_name(path: str) -> str | None:
    """The storage name a URL path after MEDIA_URL stands for, or None when it is not a
    plain relative name: empty, absolute, with an empty, `.` or `..` segment, a
    backslash or a control character. Such a path is no upload's name, so it is refused
    before anything looks it up or opens a file."""
    if not path or path.startswith("/") or "\\" in path:
        return None
    if any(not char.isprintable() for char in path):
        return None
    if any(segment in {"", ".", ".."} for segment in path.split("/")):
        return None
    return path


def upload_response(name: str, *, public: bool) -> HttpResponse | FileResponse:
    """The response that sends upload `name`, which the caller has allowed. `public`:
    everyone may see it, so any cache may keep it a while; otherwise only this
    visitor's browser gets it, and does not store it (a shared computer keeps no copy
    after logging out). A file that is not there is a 404."""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if settings.SERVE_MEDIA:
        response: HttpResponse | FileResponse
        try:
            response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
        except OSError as exc:
            raise Http404("No such upload") from exc
    else:
        if not default_storage.exists(name):
            raise Http404("No such upload")
        # nginx takes the type from the upstream answer: say it, or Django's text/html
        # default would go out with the image.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_INTERNAL_URL + quote(name)
    if public:
        patch_cache_control(response, public=True, max_age=PUBLIC_SECONDS)
    else:
        patch_cache_control(response, private=True, no_store=True)
    response["Content-Security-Policy"] = UPLOAD_CSP
    return response
