"""Production: everything from the environment, and a loud refusal when a required
variable is missing rather than a silently generated secret."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, mailer_from_url

DEBUG = False
LOGGING["handlers"]["console"]["formatter"] = env.str("DJANGO_LOG_FORMAT", default="json")  # noqa: F405

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=None)
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY: production does not start without it.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS (comma separated host names).")

# Off: Django checks who may see an upload and nginx sends it (X-Accel-Redirect to the
# internal location of deploy/nginx.conf). On: Django sends the bytes as well.
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=False)

# Uploads on S3 (or any S3-compatible store) when a bucket is named, so that several app
# servers see the same files; otherwise on local disk under DJANGO_MEDIA_ROOT.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default=None)
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": AWS_S3_REGION_NAME,
            # None: boto3 finds AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the
            # environment, or an instance role.
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
            "custom_domain": AWS_S3_CUSTOM_DOMAIN,
            # A private bucket (the default): every media URL is signed and expires.
            # AWS_QUERYSTRING_AUTH=false for a public-read bucket or a CDN domain.
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=True),
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=3600),
            "default_acl": None,
            "file_overwrite": False,
        },
    }
    # Pages show the photos from the bucket's address: the content security policy must
    # allow it (DJANGO_MEDIA_ORIGINS overrides the guess, space separated).
    if AWS_S3_CUSTOM_DOMAIN:
        _media_origins = [f"https://{AWS_S3_CUSTOM_DOMAIN}"]
    elif AWS_S3_ENDPOINT_URL:
        _endpoint = urlsplit(AWS_S3_ENDPOINT_URL)
        _media_origins = [
            f"{_endpoint.scheme}://{_endpoint.netloc}",
            f"{_endpoint.scheme}://{AWS_STORAGE_BUCKET_NAME}.{_endpoint.netloc}",
        ]
    else:
        _media_origins = [
            f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com",
            f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME or 'us-east-1'}"
            ".amazonaws.com",
        ]
    SECURE_CSP["img-src"] = [  # noqa: F405
        *SECURE_CSP["img-src"],  # noqa: F405
        *(env.str("DJANGO_MEDIA_ORIGINS", default="").split() or _media_origins),
    ]

# Behind a proxy that terminates TLS, opt in with DJANGO_SECURE_PROXY_SSL_HEADER=true.
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Load balancers probe over plain http on the internal network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

EMAIL_URL = env.str("EMAIL_URL", default=None)
if not EMAIL_URL:
    raise ImproperlyConfigured(
        "Set EMAIL_URL, e.g. smtp://user:password@mail.example.nl:587?tls=true"
    )
MAILERS = {"default": mailer_from_url(EMAIL_URL)}

TASKS = {
    "default": {
        "BACKEND": env.str("DJANGO_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")
    }
}
