"""The Détente web service: REST API (FastAPI), background runs, and the web app.

>>> from detente.api import Settings
>>> Settings(host="0.0.0.0", token="s3cret").token
's3cret'
"""

from __future__ import annotations

from ._app import create_app
from ._reports import report_for_run
from ._settings import Settings, is_loopback

__all__ = ["Settings", "create_app", "is_loopback", "report_for_run"]
