"""The name a person is known by and printed on their certificates (``User.display_name``), as a rule for writes.

``accounts.validators.validate_display_name`` is the one definition of a well-formed name (no leading
``= + - @``, not an e-mail address, no control characters or direction overrides, at most ``DISPLAY_NAME_MAX``
characters; the CSV import and the invitation form use it too). A name to *print* must also exist (not blank).
``display_name_clean`` applies all of it to what is typed at sign-up, on "My profile" and on "Your name on
certificates"; ``display_name_is_printable`` tells certificates whether a stored name may be printed as it is.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from accounts.refusals import Refusal
from accounts.validators import validate_display_name

# Sent on commit after a person's display name changed (``user=``), by ``accounts.services``: apps above
# accounts (certificates waiting for a name) listen without accounts knowing them.
display_name_changed = Signal()

_SPACES = re.compile(r"\s+")


def display_name_clean(raw: str) -> str:
    """The name as it will be stored (spaces tidied), or a ``Refusal`` (400) saying what is wrong."""
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", raw or "")).strip()
    if not name:
        raise Refusal.invalid(_("Enter your name as it should appear on certificates."), code="name_blank")
    try:
        validate_display_name(name)
    except ValidationError as error:
        raise Refusal.invalid(error.messages[0], code=error.code or "name_invalid") from error
    return name


def display_name_is_printable(name: str) -> bool:
    """Whether a stored name may be printed as it is (legacy rows and imports were never checked this way)."""
    try:
        display_name_clean(name)
    except Refusal:
        return False
    return True
