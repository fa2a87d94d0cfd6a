"""Selectors of the participants app, one module per area; re-exported here."""

from .accounts import *  # noqa: F403
from .companies import *  # noqa: F403
from .notifications import *  # noqa: F403
from .search import *  # noqa: F403
from .seniors import *  # noqa: F403
from .staff import *  # noqa: F403
