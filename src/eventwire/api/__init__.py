"""The HTTP API and the dashboard it serves: `create_app(db_path, ...)` builds the FastAPI app."""
from eventwire.api.app import create_app

__all__ = ["create_app"]
