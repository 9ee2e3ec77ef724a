"""Create-or-update helpers for demo pages, shared by every demo step (site pages, courses).

A page is found by its slug under its parent (translations through their translation key), its fields
are set to the demo's, and a new revision is published only when something changed.
"""

import json
from typing import Any

from wagtail.fields import StreamField
from wagtail.models import Locale, Page


def page_upsert_child(*, parent: Page, model: type[Page], slug: str, fields: dict[str, Any]) -> Page:
    """The ``model`` page with ``slug`` under ``parent``, created or brought up to date and published."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug)
        _apply(page, fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page
    if _apply(page, fields) or not page.live:
        page.save_revision().publish()
    return page


def page_upsert_translation(*, page: Page, locale: Locale, fields: dict[str, Any]) -> Page:
    """The translation of ``page`` into ``locale`` (same place in that locale's tree), up to date and published."""
    translation = page.get_translation_or_none(locale)
    if translation is None:
        translation = page.copy_for_translation(locale)
    translation = translation.specific
    if _apply(translation, fields) or not translation.live:
        translation.save_revision().publish()
    return translation


def _apply(page: Page, fields: dict[str, Any]) -> bool:
    """Set ``fields`` on ``page``; True when any value differed. StreamFields take raw block lists."""
    changed = False
    for name, value in fields.items():
        field = page._meta.get_field(name)
        if isinstance(field, StreamField):
            new = field.to_python(json.dumps(value))
            if _without_ids(getattr(page, name).get_prep_value()) != _without_ids(new.get_prep_value()):
                setattr(page, name, new)
                changed = True
        elif getattr(page, name) != value:
            setattr(page, name, value)
            changed = True
    return changed


def _without_ids(data: Any) -> Any:
    """Block data with the random block ids removed, so two equal bodies compare equal."""
    if isinstance(data, dict):
        return {key: _without_ids(value) for key, value in data.items() if key != "id"}
    if isinstance(data, list):
        return [_without_ids(item) for item in data]
    return data
