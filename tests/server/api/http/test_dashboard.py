"""The dashboard's files over HTTP: where they are served, with which headers and versions."""

from __future__ import annotations

import gzip
import json
import re
import urllib.request
from pathlib import Path

import pytest
import tomllib

from sibyl_server.api.http.dashboard import SECURITY_HEADERS, STATIC_DIRECTORY
from tests.server.api.http.support import JsonClient
from tests.support.servers import ServerThread

ROOT = Path(__file__).resolve().parents[4]
VENDOR = STATIC_DIRECTORY / "vendor"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def get(base: str, path: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with OPENER.open(base + path, timeout=30) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


@pytest.fixture(scope="module")
def base(http_server: ServerThread) -> str:
    return f"http://127.0.0.1:{http_server.running.http_port}"


@pytest.mark.parametrize("path", ["/", "/dashboard"])
def test_a_page_load_at_the_root_leads_to_the_dashboard(base: str, path: str) -> None:
    status, headers, _ = get(base, path)
    assert (status, headers["location"]) == (307, "/dashboard/")


def test_the_page_and_its_scripts_are_served_with_a_strict_policy(base: str) -> None:
    status, headers, body = get(base, "/dashboard/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b'<script type="module" src="app.js">' in body
    lowered = {k.lower(): v for k, v in headers.items()}
    for name, value in SECURITY_HEADERS.items():
        assert lowered[name] == value
    status, headers, _ = get(base, "/dashboard/vendor/echarts.esm.min.js")
    assert status == 200 and "javascript" in headers["content-type"]


def test_files_are_compressed_for_a_browser_that_asks(base: str) -> None:
    path = "/dashboard/vendor/echarts.esm.min.js"
    request = urllib.request.Request(base + path, headers={"accept-encoding": "gzip"})
    with OPENER.open(request, timeout=30) as response:
        assert response.headers["content-encoding"] == "gzip"
        body = response.read()
    original = (VENDOR / "echarts.esm.min.js").read_bytes()
    assert gzip.decompress(body) == original and len(body) < len(original) / 2
    assert "content-encoding" not in {k.lower() for k in get(base, path)[1]}


def test_every_file_the_pages_import_is_served(base: str) -> None:
    """Each relative import of each module resolves to a file of the package."""
    for module in STATIC_DIRECTORY.glob("*.js"):
        for name in re.findall(r'from "\./([^"]+)"', module.read_text()):
            status, _, _ = get(base, f"/dashboard/{name}")
            assert status == 200, f"{module.name} imports {name}, which is not served"


def test_the_json_api_keeps_its_answers_next_to_the_dashboard(base: str) -> None:
    api = JsonClient(int(base.rsplit(":", 1)[1]))
    assert api.post("/", {}).status == 404
    assert api.post("/dashboard/", {}).status in (404, 405)
    posted = api.post("/dashboard/app.js", {})
    assert posted.status == 405
    assert posted.body["message"] == "POST is not served at /dashboard/app.js; it takes GET, HEAD"
    reply = api.post("/sibyl.v1.StudyService/ListStudies", {"parent": "teams/default"})
    assert reply.status == 200


def test_the_charting_library_is_the_version_package_lock_pins() -> None:
    lock = json.loads((ROOT / "dashboard" / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/echarts"]["version"]
    shipped = re.search(rb'version:"(\d+\.\d+\.\d+)"', (VENDOR / "echarts.esm.min.js").read_bytes())
    assert shipped is not None and shipped.group(1).decode() == pinned
    # The licenses of ECharts and of what its build bundles travel with it.
    for name in ("echarts.LICENSE", "echarts.NOTICE", "zrender.LICENSE", "tslib.LICENSE"):
        assert (VENDOR / name).stat().st_size > 0, name


def test_the_package_data_ships_every_dashboard_file() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["sibyl_server"]
    package = STATIC_DIRECTORY.parents[2]  # sibyl_server/
    shipped = {path for pattern in patterns for path in package.glob(pattern) if path.is_file()}
    files = {path for path in STATIC_DIRECTORY.rglob("*") if path.is_file()}
    assert files and files <= shipped, sorted(str(p) for p in files - shipped)
