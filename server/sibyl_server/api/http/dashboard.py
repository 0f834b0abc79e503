"""The web dashboard: static pages under /dashboard/ that call the JSON API from the browser.

The pages and the charting library are files of this package (no CDN, no build step at
run time); every figure on them comes from the JSON API's own calls, made with the
signed-in user's token, so the dashboard sees exactly what that token may see.
"""

from __future__ import annotations

from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sibyl_server.api.http.json_api import unknown_method

STATIC_DIRECTORY = Path(__file__).parent / "static"
PREFIX = "/dashboard"
# Every method reaches the redirect's handler, which answers the others as the JSON API does.
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

# Everything the pages load comes from this server; nothing may frame them. Styles
# may be inline because the charting library positions its tooltips with them.
SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    # The files' URLs carry no version: after an upgrade a browser must ask again (a
    # 304 when nothing changed) rather than mix cached modules with new ones.
    "cache-control": "no-cache",
}


def dashboard_routes() -> list[BaseRoute]:
    """`GET /` and `GET /dashboard` lead to the dashboard; its files are under /dashboard/."""
    files = StaticFiles(directory=STATIC_DIRECTORY, html=True)
    return [
        Route("/", _to_dashboard, methods=ALL_METHODS),
        Route(PREFIX, _to_dashboard, methods=ALL_METHODS),
        # Compressed for browsers that ask: the charting library is 1.1 MB, 0.37 MB gzipped.
        Mount(PREFIX, app=_with_security_headers(GZipMiddleware(files, minimum_size=1024))),
    ]


async def _to_dashboard(request: Request) -> Response:
    # Only a page load is redirected: a POST here stays the JSON API's 404.
    if request.method not in ("GET", "HEAD"):
        return unknown_method(request.url.path)
    return RedirectResponse(PREFIX + "/", status_code=307)


def _with_security_headers(app: ASGIApp) -> ASGIApp:
    async def secured(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_secured)

    return secured
