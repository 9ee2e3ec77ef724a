"""Security headers every response carries: Content-Security-Policy (django-csp) and Permissions-Policy.

The site's policy is ``settings.CONTENT_SECURITY_POLICY``. Two things are added per request, read at call time so
settings added later (or by tests) count:

- ``frame-src`` also allows ``H5P_CONTENT_ORIGIN`` when it is set (H5P content served from its own origin);
- the Wagtail admin (``/admin/``) gets ``ADMIN_POLICY_UPDATE``: Wagtail's editor writes inline styles and a few
  inline scripts, and previews images from blobs. The public site never gets these.

A view that sets its own ``Content-Security-Policy`` header keeps it (django-csp never overwrites one); a view can
also adjust the policy with ``csp.decorators.csp_override`` / ``csp_update`` / ``csp_replace`` / ``csp_exempt``.
"""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

ADMIN_PREFIX = "/admin/"
ADMIN_POLICY_UPDATE = {
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["blob:"],
}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _merged(first: dict | None, second: dict) -> dict:
    merged = {key: list(values) for key, values in (first or {}).items()}
    for key, values in second.items():
        merged.setdefault(key, [])
        merged[key] += [value for value in values if value not in merged[key]]
    return merged


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the H5P content origin and the admin's looser policy added per request."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        extra: dict[str, list[str]] = {}
        h5p_origin = _origin(getattr(settings, "H5P_CONTENT_ORIGIN", "") or "")
        if h5p_origin:
            extra["frame-src"] = [h5p_origin]
        media_origins = [origin for origin in map(_origin, getattr(settings, "CSP_MEDIA_ORIGINS", [])) if origin]
        if media_origins:
            extra["img-src"] = media_origins
            extra["media-src"] = ["'self'", *media_origins]
        if request.path_info.startswith(ADMIN_PREFIX):
            extra = _merged(extra, ADMIN_POLICY_UPDATE)
        if extra:
            parts.update = _merged(parts.update, extra)
        return parts


class PermissionsPolicyMiddleware:
    """Switch off browser features no page uses (camera, microphone, geolocation...) on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
