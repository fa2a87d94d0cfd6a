"""Hooks this app offers to the apps above it (STYLE.md: a lower app never imports a higher one).

`company_branches_changed` is sent inside the write's transaction, after the companies are saved, with
`company_ids`: companies whose branch may have changed (a form save, an import's updated rows, the Django
admin). Whatever copies a company's branch (the statistics' stored summary) copies it again there.
"""

from __future__ import annotations

from django.dispatch import Signal

company_branches_changed = Signal()
