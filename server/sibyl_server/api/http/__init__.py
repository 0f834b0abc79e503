"""HTTP next to gRPC: the JSON API (and what else is served over HTTP) on --http-address.

    POST /sibyl.v1.StudyService/SuggestTrials   {"parent": "...", "count": 1, ...}

It calls the same servicers as gRPC does, through an adapter context (context.py).
"""

from sibyl_server.api.http.app import http_app
from sibyl_server.api.http.hosts import allowed_hosts
from sibyl_server.api.http.server import HttpServer

__all__ = ["HttpServer", "allowed_hosts", "http_app"]
