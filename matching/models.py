"""Models of the matching app; the issue that builds this app adds them."""
