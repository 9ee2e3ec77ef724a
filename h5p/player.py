"""What the page needs to start the vendored h5p-standalone player for a package in a context."""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from h5p import selectors
from h5p.models import H5PPackage
from h5p.services import activity_iri

_STATE_SALT = "h5p.state"


def state_token(*, user_id: int, package_id: int, context_key: str) -> str:
    """Binds resume-state requests to one user, package and context (H5P core posts them without a CSRF header)."""
    return salted_hmac(_STATE_SALT, f"{user_id}:{package_id}:{context_key}", algorithm="sha256").hexdigest()


def state_token_valid(*, user, package_id: int, context_key: str, token: str) -> bool:
    expected = state_token(user_id=user.pk, package_id=package_id, context_key=context_key)
    return bool(token) and constant_time_compare(expected, token)


def player_config(*, user, package: H5PPackage, context_key: str) -> dict[str, str]:
    """The values the block template writes into the data-h5p-* attributes ``static/h5p/player.js`` reads."""
    h5p_json = reverse("h5p:content", kwargs={"content_hash": package.content_hash, "path": "h5p.json"})
    query = urlencode(
        {
            "context": context_key,
            "token": state_token(user_id=user.pk, package_id=package.pk, context_key=context_key),
        }
    )
    state_url = f"{reverse('h5p:state', kwargs={'package_id': package.pk})}?{query}"
    # H5P core replaces these placeholders itself.
    state_url += "&dataType=:dataType&subContentId=:subContentId"
    return {
        "package": str(package.pk),
        "context": context_key,
        "json_path": h5p_json.removesuffix("/h5p.json"),
        "main_js": static("vendor/h5p-standalone/main.bundle.js"),
        "frame_js": static("vendor/h5p-standalone/frame.bundle.js"),
        "frame_css": static("vendor/h5p-standalone/styles/h5p.css"),
        "iri": activity_iri(package_id=package.pk, context_key=context_key),
        "xapi_url": reverse("h5p:xapi"),
        "state_url": state_url,
        "save_seconds": str(settings.H5P_STATE_SAVE_SECONDS),
        "user_name": user.get_full_name() or str(user.pk),
        "user_mail": user.email,
        # H5P core builds the content right after asking for its state, so the state must come with the page.
        "state": selectors.user_state_get(
            user=user, package=package, context_key=context_key, data_type="state", sub_content_id="0"
        )
        or "",
        "element_id": f"h5p-{package.pk}-{hashlib.sha256(context_key.encode()).hexdigest()[:12]}",
    }
