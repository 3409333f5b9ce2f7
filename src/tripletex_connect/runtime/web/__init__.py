"""The dashboard of `ttx serve`: server-rendered pages (Starlette + Jinja2) and an inline SVG chart."""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
