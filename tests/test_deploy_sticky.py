"""deploy/nginx.conf in front of two Streamlit processes (the second process docs/DEPLOY.md adds): every
request of one browser reaches the process it first reached (its websocket, uploads and downloads live
there), and browsers are shared between the two, even from one address.

nginx logs which upstream answered each request; the apps are benchmarks/floor_app.py (any Streamlit
app: the routing is nginx's). No browser: each 'browser' is a cookie jar of urllib requests.
"""

from __future__ import annotations

import re
import shutil
import ssl
import sys
import urllib.error
import urllib.request

import pytest

from tests import deploy_servers
from tests.servers import ROOT, free_port, start, stop

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None or shutil.which("openssl") is None,
                                reason="nginx and openssl are needed")

INSECURE = ssl.create_default_context()
INSECURE.check_hostname = False
INSECURE.verify_mode = ssl.CERT_NONE  # the test's self-signed certificate


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sticky")
    ports = [free_port(), free_port()]
    running = []
    try:
        for port in ports:
            log = folder / f"streamlit-{port}.log"
            command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "benchmarks" / "floor_app.py"),
                       "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
                       "--browser.gatherUsageStats", "false"]
            running.append((start(command, log, f"http://127.0.0.1:{port}/_stcore/health"), log))
        https_port, http_port = free_port(), free_port()
        nginx = deploy_servers.start_nginx(folder / "nginx", ports[0], https_port, http_port, ports[1],
                                           log_format="$upstream_addr $request_uri")
        running.append((nginx, folder / "nginx" / "nginx.out"))
        yield f"https://127.0.0.1:{https_port}", folder / "nginx" / "access.log", ports
    finally:
        for process, log in reversed(running):
            stop(process, log)


def _get(url: str, cookie: str | None = None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        response = urllib.request.urlopen(request, timeout=30, context=INSECURE)
    except urllib.error.HTTPError as exc:  # e.g. the websocket path asked for without an upgrade
        response = exc
    response.read()
    return response.status, response.headers.get_all("Set-Cookie") or []


def _upstreams(log, marker: str) -> set[str]:
    """The upstream ports that answered the requests whose URI holds `marker`."""
    return {line.split()[0].rsplit(":", 1)[1] for line in log.read_text().splitlines() if marker in line}


def test_a_first_request_gets_a_route_cookie_and_a_later_one_does_not(site):
    url, _, _ = site
    status, cookies = _get(url + "/_stcore/health")
    routes = [c for c in cookies if c.startswith("msht_route=")]
    assert status == 200 and len(routes) == 1, cookies
    assert re.fullmatch(r"msht_route=[0-9a-f]{32}; Path=/; Secure; HttpOnly; SameSite=Lax", routes[0])
    status, cookies = _get(url + "/_stcore/health", routes[0].split(";")[0])
    assert status == 200 and not [c for c in cookies if c.startswith("msht_route=")]


def test_every_request_of_one_browser_reaches_one_process_and_browsers_use_both(site):
    url, log, ports = site
    reached = {}
    for browser in range(24):
        _, cookies = _get(f"{url}/_stcore/health?first={browser}")
        cookie = next(c for c in cookies if c.startswith("msht_route=")).split(";")[0]
        for path in ("/", "/_stcore/health", "/_stcore/stream", "/_stcore/upload_file/x", "/media/x"):
            _get(f"{url}{path}?browser={browser}", cookie)
        first = _upstreams(log, f"?first={browser}")
        later = _upstreams(log, f"?browser={browser}")
        assert len(first) == 1 and later == first, (browser, first, later)
        reached[browser] = first.pop()
    assert set(reached.values()) == {str(port) for port in ports}  # 24 browsers: both (1 in 8 million not)
