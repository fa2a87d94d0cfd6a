"""Views of the participants app, one module per area; participants/urls.py routes to them."""
