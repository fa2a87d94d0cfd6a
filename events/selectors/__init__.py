"""Selectors of the events app, one module per area; re-exported here."""

from .events import *  # noqa: F403
from .hearings import *  # noqa: F403
from .selection import *  # noqa: F403
