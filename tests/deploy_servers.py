"""nginx from deploy/nginx.conf in front of `streamlit run`, as on the server, for tests/test_deploy.py.

The site file is rendered with only its names, paths and ports changed (a self-signed certificate
made with openssl, free ports on 127.0.0.1), inside a main configuration a non-root nginx can run:
`nginx -p DIR -c FILE -e LOG` in the foreground, one process, every path in a temporary folder.
"""

from __future__ import annotations

import ipaddress
import subprocess
from pathlib import Path

from tests.servers import ROOT, start

SITE = ROOT / "deploy" / "nginx.conf"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1, valid for two days."""
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def render_site(cert: Path, key: Path, https_port: int, http_port: int, app_port: int,
                second_port: int | None = None) -> str:
    """deploy/nginx.conf with the test's certificate, ports and upstream (with `second_port`, the second
    process the file has commented out); every directive kept."""
    site = SITE.read_text()
    replacements = [
        ("dashboard.example.org", "localhost"),
        ("/etc/ssl/msht-dashboard/fullchain.pem", str(cert)),
        ("/etc/ssl/msht-dashboard/privkey.pem", str(key)),
        ("server 127.0.0.1:8501;", f"server 127.0.0.1:{app_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:443 ssl http2;\n", ""),  # loopback on IPv4 is enough for the test
        ("listen [::]:80;\n", ""),
    ]
    if second_port is not None:
        replacements.append(("# server 127.0.0.1:8502;", f"server 127.0.0.1:{second_port};"))
    for old, new in replacements:
        if old not in site:
            raise AssertionError(f"deploy/nginx.conf no longer has {old!r}: update the test's rendering")
        site = site.replace(old, new)
    return site


def main_config(folder: Path, site: Path, log_format: str = "") -> str:
    temp = folder / "temp"
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (temp / name).mkdir(parents=True, exist_ok=True)
    return f"""
daemon off;
master_process off;  # one process as the invoking user: no worker user to grant the temp folder to
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    {f"log_format test '{log_format}';" if log_format else ""}
    access_log {folder / "access.log"}{" test" if log_format else ""};
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    include {site};
}}
"""


def start_nginx(folder: Path, app_port: int, https_port: int, http_port: int, second_port: int | None = None,
                log_format: str = ""):
    """nginx serving deploy/nginx.conf on https_port (and its redirect on http_port) in front of app_port
    (and second_port); `log_format` replaces the access log's."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = make_certificate(folder)
    site = folder / "site.conf"
    site.write_text(render_site(cert, key, https_port, http_port, app_port, second_port))
    config = folder / "nginx.conf"
    config.write_text(main_config(folder, site, log_format))
    check = subprocess.run(["nginx", "-t", "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log")],
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise AssertionError(f"nginx -t refused the rendered deploy/nginx.conf:\n{check.stderr}")
    return start(["nginx", "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log")],
                 folder / "nginx.out", f"https://127.0.0.1:{https_port}/_stcore/health")


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a listening TCP socket on this port (from /proc/net/tcp and tcp6)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            local, _remote, state = line.split()[1:4]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(_address(address, width))
    return found


def _address(hex_address: str, width: int) -> str:
    raw = bytes.fromhex(hex_address)
    # The kernel writes each 32-bit word in host (little-endian) order.
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    if width == 8:
        return ".".join(str(b) for b in words)
    return str(ipaddress.IPv6Address(words))


def headers_of(response) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items()}

