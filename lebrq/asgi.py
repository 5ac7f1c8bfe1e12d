"""ASGI entry point served by gunicorn's uvicorn workers."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lebrq.settings")

application = get_asgi_application()
