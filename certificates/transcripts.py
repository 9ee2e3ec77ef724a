"""The CPD transcript as other apps read it (courses' My learning draws its chart from it).

A public read, beside ``services`` (writes) and ``access`` (the source registry): the one definition of what a
transcript counts stays ``selectors.cpd_transcript`` (valid certificates, by year of issue).
"""

from decimal import Decimal


def cpd_hours_per_year(*, user) -> list[tuple[int, Decimal]]:
    """(year, CPD hours) of the person's valid certificates, oldest year first. One query."""
    from certificates import selectors

    return selectors.cpd_hours_per_year(user=user)
