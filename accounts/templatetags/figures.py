"""How numbers look on every page: one filter, ``number``, for vote weights, CPD hours and the like.

``{{ value|number }}``: no trailing zeros (2.500 -> "2.5", 4.00 -> "4"), the active language's decimal separator
(2,5 in Russian). PDFs and e-mails use ``number_display``, the same function.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()


def number_display(value) -> str:
    """A decimal as people write it, in the active language; '' for None, anything else unchanged as text."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not amount.is_finite():
        return str(value)
    # normalize() drops trailing zeros; format "f" undoes its exponent (10.00 -> 1E+1 -> "10").
    return formats.number_format(Decimal(format(amount.normalize(), "f")), use_l10n=True)


@register.filter
def number(value) -> str:
    return number_display(value)
