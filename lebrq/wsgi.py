"""WSGI entry point (the supported server is ASGI: see lebrq/asgi.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lebrq.settings")

application = get_wsgi_application()
