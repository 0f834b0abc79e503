"""A plain HTTP client for the JSON API (the standard library's, as `curl` would call it)."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any

JSON = {"content-type": "application/json"}


@dataclass(frozen=True)
class Reply:
    """One HTTP answer: its status, its JSON body and its headers."""

    status: int
    body: dict[str, Any]
    headers: Message

    @property
    def reason(self) -> str:
        """ErrorInfo.reason of an error reply."""
        return str(self._detail("ErrorInfo")["reason"])

    @property
    def field(self) -> str:
        """The field a BadRequest error names."""
        return str(self._detail("BadRequest")["fieldViolations"][0]["field"])

    def _detail(self, kind: str) -> dict[str, Any]:
        suffix = f"/google.rpc.{kind}"
        return next(d for d in self.body["details"] if d["@type"].endswith(suffix))


class JsonClient:
    """POSTs to one server's JSON API; never through a proxy, whatever the environment says."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def post(
        self,
        path: str,
        body: dict[str, Any] | bytes,
        token: str = "",
        headers: dict[str, str] | None = None,
    ) -> Reply:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent = {**JSON, **(headers or {})}
        if token:
            sent["authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base + path, data, sent, method="POST")
        return self.send(request)

    def send(self, request: urllib.request.Request) -> Reply:
        try:
            with self._opener.open(request, timeout=60) as response:
                return Reply(response.status, json.loads(response.read()), response.headers)
        except urllib.error.HTTPError as error:
            return Reply(error.code, json.loads(error.read()), error.headers)

    def raw(self, path: str, body: Any, headers: dict[str, str], chunked: bool = False) -> Reply:
        """A POST with exactly these headers; `chunked` sends `body` (an iterable) in chunks."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("POST", path, body, headers, encode_chunked=chunked)
            response = connection.getresponse()
            return Reply(response.status, json.loads(response.read()), response.msg)
        finally:
            connection.close()
