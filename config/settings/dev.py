"""Local use: `make run` and development. Production-grade server, but a local secret."""

import os

from .base import *  # noqa: F403
from .base import DATA_DIR


def _local_secret_key() -> str:
    """A secret kept beside the local database, made once, so sessions survive restarts."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        import secrets

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
DEBUG = os.environ.get("DEBUG", "0") == "1"
