"""Panels that other apps add to the dashboard (a registry: participants must not import the apps above it).

A panel is a function `(request, user) -> Panel | None`; `events` registers its panels in
`EventsConfig.ready()`. The dashboard renders each returned panel's template with its context, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


PanelFunction = Callable[[HttpRequest, Any], "Panel | None"]

_PANELS: list[PanelFunction] = []


def register_dashboard_panel(function: PanelFunction) -> PanelFunction:
    if function not in _PANELS:
        _PANELS.append(function)
    return function


def dashboard_panels(request: HttpRequest, user: Any) -> list[Panel]:
    panels = [p for p in (function(request, user) for function in _PANELS) if p is not None]
    return sorted(panels, key=lambda p: p.order)
