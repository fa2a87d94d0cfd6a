"""The regional demo for `manage.py seed_demo` (registered in RegionalConfig.ready); filled in below."""
