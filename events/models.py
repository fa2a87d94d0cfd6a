"""Models of the events app; the issue that builds this app adds them."""
