"""pressdiff's web app and HTTP API: a FastAPI shell over the store and the library.

``pressdiff serve --db FILE`` runs :func:`create_app` under uvicorn.  Module
map: :mod:`.app` (the application), :mod:`.security` (host, token, CSRF,
size limits, CSP), :mod:`.backend` (the one interface to stories, articles
and analyses), :mod:`.jobs` (the durable analysis queue), :mod:`.inputs` and
:mod:`.urls` (what users send, and URL fetching guarded against the server's
own network), :mod:`.api` and :mod:`.pages` (the routes).
"""

from __future__ import annotations

import ipaddress

from pressdiff.web.app import Settings, create_app


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server to this machine."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


__all__ = ["Settings", "create_app", "is_loopback"]
