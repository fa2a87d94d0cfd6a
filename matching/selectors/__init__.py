"""Selectors of the matching app, one module per area; re-exported here."""

from .build import *  # noqa: F403
from .eventday import *  # noqa: F403
from .printing import *  # noqa: F403
from .publish import *  # noqa: F403
from .repair import *  # noqa: F403
