"""The name a person is known by on the platform and printed on their certificates (``User.display_name``).

One rule for every place a name is typed (sign-up, "My profile", "Your name on certificates"): not blank, no
control characters, not an e-mail address (an e-mail must never end up printed on a certificate or shown on a
public page), no leading ``= + - @`` (a spreadsheet would run it as a formula in a CSV export), at most
``DISPLAY_NAME_MAX_LENGTH`` characters once spaces are tidied.
"""

import re
import unicodedata

from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from accounts.refusals import Refusal

DISPLAY_NAME_MAX_LENGTH = 120

# Sent on commit after a person's display name changed (``user=``), by ``accounts.services``: apps above
# accounts (certificates waiting for a name) listen without accounts knowing them.
display_name_changed = Signal()
_FORMULA_STARTS = ("=", "+", "-", "@")
_SPACES = re.compile(r"\s+")
# Direction overrides can make a printed name read differently from what was typed; other format characters
# (zero-width joiners in Persian or Indic names) are legitimate.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def display_name_clean(raw: str) -> str:
    """The name as it will be stored (spaces tidied), or a ``Refusal`` (400) saying what is wrong."""
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", raw or "")).strip()
    if not name:
        raise Refusal.invalid(_("Enter your name as it should appear on certificates."), code="name_blank")
    if any(unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS for char in name):
        raise Refusal.invalid(_("The name contains invisible control characters."), code="name_control")
    if "@" in name:
        raise Refusal.invalid(_("Enter your name, not an e-mail address."), code="name_email")
    if name.startswith(_FORMULA_STARTS):
        raise Refusal.invalid(_("The name cannot start with =, +, - or @."), code="name_formula")
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise Refusal.invalid(
            _("The name can be at most %(max)d characters long.") % {"max": DISPLAY_NAME_MAX_LENGTH},
            code="name_too_long",
        )
    return name


def display_name_is_printable(name: str) -> bool:
    """Whether a stored name may be printed as it is (legacy rows were never checked)."""
    try:
        display_name_clean(name)
    except Refusal:
        return False
    return True
