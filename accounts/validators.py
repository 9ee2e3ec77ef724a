"""Validators for what people type about themselves (one definition, used by forms and the CSV import)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DISPLAY_NAME_MAX = 150
# A cell starting with one of these is a formula to a spreadsheet (CSV/formula injection): a name never needs one.
FORMULA_STARTS = ("=", "+", "-", "@")
# Direction overrides can make a printed name read differently from what was typed; other format characters
# (zero-width joiners in Persian or Indic names) are legitimate.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def validate_display_name(value: str) -> None:
    """A name as printed on certificates, rosters and e-mails: not a spreadsheet formula, not an e-mail address,
    no control characters or direction overrides. Every way a name comes in (sign-up, profile, invitation, CSV
    import) uses this, so a name accepted anywhere can be printed on a certificate."""
    stripped = value.strip()
    if stripped.startswith(FORMULA_STARTS) or stripped[:1] in {"\t", "\r"}:
        raise ValidationError(
            _("A name may not begin with =, +, - or @ (spreadsheets would read it as a formula)."),
            code="formula",
        )
    if "@" in stripped[1:]:
        raise ValidationError(_("A name may not be an e-mail address."), code="name_email")
    if any(ord(character) < 32 or character in BIDI_CONTROLS for character in value):
        raise ValidationError(_("A name may not contain line breaks or control characters."), code="control")
    if len(value) > DISPLAY_NAME_MAX:
        raise ValidationError(
            _("At most %(limit)d characters.") % {"limit": DISPLAY_NAME_MAX},
            code="max_length",
        )


def spreadsheet_text(value: str) -> str:
    """A CSV cell that stays text in a spreadsheet: one starting like a formula gets a leading apostrophe."""
    value = str(value)
    return "'" + value if value.lstrip().startswith(FORMULA_STARTS) or value[:1] in {"\t", "\r"} else value
