"""Models of the alumni app; the issue that builds this app adds them."""
