"""The association officer's dashboard: accounts shows the members; apps above it add panels.

accounts knows nothing of courses or certificates (the layers), so each app that has something to tell an
association's officers registers a panel once, in ``AppConfig.ready()``, with:

- ``template``: the panel's template, rendered inside the dashboard page with the panel's context;
- ``context(association=..., user=...)``: that context, read in a fixed number of queries whatever the size of the
  association (the dashboard's query count is pinned);
- ``order``: where it goes (lower first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accounts.models import Association, User


@dataclass(frozen=True, slots=True)
class DashboardPanel:
    key: str
    order: int
    template: str
    context: Callable[..., dict]


_panels: dict[str, DashboardPanel] = {}


def register_panel(key: str, *, order: int, template: str, context: Callable[..., dict]) -> None:
    """Register (or replace: safe when ``ready()`` runs twice) a panel of the officer's dashboard."""
    _panels[key] = DashboardPanel(key=key, order=order, template=template, context=context)


def unregister_panel(key: str) -> None:
    _panels.pop(key, None)


def dashboard_panels(*, association: Association, user: User) -> list[dict]:
    """Each registered panel's template and context, in order."""
    return [
        {"key": panel.key, "template": panel.template, **panel.context(association=association, user=user)}
        for panel in sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))
    ]
