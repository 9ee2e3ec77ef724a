"""The name a person is known by and printed on their certificates (``User.display_name``), as a rule for writes.

``accounts.validators.validate_display_name`` is the one definition of a well-formed name (no leading
``= + - @``, no control characters, at most ``DISPLAY_NAME_MAX`` characters; the CSV import and the invitation
form use it too). A name to *print* must also exist (not blank) and must not be an e-mail address or hold
direction overrides: an e-mail must never end up printed on a certificate or shown on a public page.
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
# Direction overrides can make a printed name read differently from what was typed; other format characters
# (zero-width joiners in Persian or Indic names) are legitimate.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def display_name_clean(raw: str) -> str:
    """The name as it will be stored (spaces tidied), or a ``Refusal`` (400) saying what is wrong."""
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", raw or "")).strip()
    if not name:
        raise Refusal.invalid(_("Enter your name as it should appear on certificates."), code="name_blank")
    if "@" in name[1:]:
        raise Refusal.invalid(_("Enter your name, not an e-mail address."), code="name_email")
    try:
        validate_display_name(name)
    except ValidationError as error:
        raise Refusal.invalid(error.messages[0], code=error.code or "name_invalid") from error
    if any(char in _BIDI_CONTROLS for char in name):
        raise Refusal.invalid(_("A name may not contain line breaks or control characters."), code="control")
    return name


def display_name_is_printable(name: str) -> bool:
    """Whether a stored name may be printed as it is (legacy rows and imports were never checked this way)."""
    try:
        display_name_clean(name)
    except Refusal:
        return False
    return True
