"""`--web.config.file`: TLS, client certificates and bcrypt basic auth, against the real
exporter process and real TLS clients (Python's ssl and requests)."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import bcrypt
import pytest
import requests

from devkit import pki
from devkit.exporter import REPO, ExporterProcess
from devkit.procs import port_open
from exporters.core.config import ConfigError
from exporters.core.webconfig import load_web_config

PASSWORD = "scrape-me-please"


@dataclass
class Material:
    dir: Path
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    stranger_cert: Path
    stranger_key: Path


@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory) -> Material:
    d = tmp_path_factory.mktemp("tls")
    ca = pki.make_ca("praxis test CA")
    server = pki.make_cert("localhost", ca, sans=["localhost", "127.0.0.1"])
    client = pki.make_cert("prometheus", ca, sans=["prometheus.provider.example"])
    stranger_ca = pki.make_ca("someone else")
    stranger = pki.make_cert("intruder", stranger_ca)
    return Material(
        d,
        pki.write_pem(d / "ca.pem", ca),
        pki.write_pem(d / "server.pem", server),
        pki.write_key(d / "server.key", server),
        pki.write_pem(d / "client.pem", client),
        pki.write_key(d / "client.key", client),
        pki.write_pem(d / "stranger.pem", stranger),
        pki.write_key(d / "stranger.key", stranger),
    )


def bcrypt_hash(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=6)).decode()


def start(tmp_path: Path, web_config: str) -> ExporterProcess:
    (tmp_path / "web.yml").write_text(web_config)
    (tmp_path / "c.yml").write_text("targets: {}\n")
    proc = ExporterProcess(
        "sample",
        tmp_path / "c.yml",
        tmp_path,
        module="devkit.sample_exporter",
        scheme="https",
        extra_args=[f"--web.config.file={tmp_path / 'web.yml'}"],
    )
    proc.wait_until(lambda: port_open("127.0.0.1", proc.port), what="listening")
    return proc


@pytest.fixture
def tls_auth_exporter(tmp_path: Path, material: Material) -> Iterator[ExporterProcess]:
    # relative paths in the web config resolve against its own directory
    for name in ("server.pem", "server.key"):
        (tmp_path / name).write_bytes((material.dir / name).read_bytes())
    proc = start(
        tmp_path,
        "tls_server_config:\n  cert_file: server.pem\n"
        "  key_file: server.key\n"
        f"basic_auth_users:\n  prometheus: {bcrypt_hash(PASSWORD)}\n",
    )
    yield proc
    proc.stop()


def test_tls_with_basic_auth(tls_auth_exporter: ExporterProcess, material: Material) -> None:
    url = tls_auth_exporter.url
    # plain HTTP on the TLS port is refused
    plain = requests.get(url.replace("https://", "http://") + "/metrics", timeout=10)
    assert plain.status_code == 400
    assert "HTTPS server" in plain.text
    # HTTPS without credentials: 401 with a challenge
    anonymous = requests.get(f"{url}/metrics", verify=str(material.ca), timeout=10)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic")
    wrong = requests.get(
        f"{url}/metrics", verify=str(material.ca), timeout=10, auth=("prometheus", "nope")
    )
    assert wrong.status_code == 401
    unknown_user = requests.get(
        f"{url}/metrics", verify=str(material.ca), timeout=10, auth=("root", PASSWORD)
    )
    assert unknown_user.status_code == 401
    ok = requests.get(
        f"{url}/metrics", verify=str(material.ca), timeout=10, auth=("prometheus", PASSWORD)
    )
    assert ok.status_code == 200
    assert "sample_exporter_build_info" in ok.text
    # the landing page and reload are protected too
    assert requests.get(f"{url}/", verify=str(material.ca), timeout=10).status_code == 401
    assert requests.post(f"{url}/-/reload", verify=str(material.ca), timeout=10).status_code == 401
    assert PASSWORD not in tls_auth_exporter.log_text()


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated")
def test_tls_version_floor(tls_auth_exporter: ExporterProcess) -> None:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.maximum_version = ssl.TLSVersion.TLSv1_1  # below the TLS12 default floor
    with (
        socket.create_connection(("127.0.0.1", tls_auth_exporter.port), timeout=10) as raw,
        pytest.raises(ssl.SSLError),
    ):
        ctx.wrap_socket(raw, server_hostname="localhost")


@pytest.fixture
def mtls_exporter(tmp_path: Path, material: Material) -> Iterator[ExporterProcess]:
    proc = start(
        tmp_path,
        "tls_server_config:\n"
        f"  cert_file: {material.server_cert}\n"
        f"  key_file: {material.server_key}\n"
        "  client_auth_type: RequireAndVerifyClientCert\n"
        f"  client_ca_file: {material.ca}\n",
    )
    yield proc
    proc.stop()


def test_require_and_verify_client_cert(mtls_exporter: ExporterProcess, material: Material) -> None:
    url = f"{mtls_exporter.url}/metrics"
    with pytest.raises(requests.exceptions.RequestException):
        requests.get(url, verify=str(material.ca), timeout=10)
    with pytest.raises(requests.exceptions.RequestException):
        requests.get(
            url,
            verify=str(material.ca),
            timeout=10,
            cert=(str(material.stranger_cert), str(material.stranger_key)),
        )
    ok = requests.get(
        url,
        verify=str(material.ca),
        timeout=10,
        cert=(str(material.client_cert), str(material.client_key)),
    )
    assert ok.status_code == 200
    assert mtls_exporter.alive()


def test_client_allowed_sans(tmp_path: Path, material: Material) -> None:
    proc = start(
        tmp_path,
        "tls_server_config:\n"
        f"  cert_file: {material.server_cert}\n"
        f"  key_file: {material.server_key}\n"
        "  client_auth_type: RequireAndVerifyClientCert\n"
        f"  client_ca_file: {material.ca}\n"
        "  client_allowed_sans: [other.example]\n",
    )
    try:
        with pytest.raises(requests.exceptions.RequestException):
            requests.get(
                f"{proc.url}/metrics",
                verify=str(material.ca),
                timeout=10,
                cert=(str(material.client_cert), str(material.client_key)),
            )
    finally:
        proc.stop()


NODE_EXPORTER_STYLE = """\
# as in the exporter-toolkit documentation
tls_server_config:
  cert_file: {cert}
  key_file: {key}
  client_auth_type: "VerifyClientCertIfGiven"
  client_ca_file: {ca}
  min_version: "TLS12"
  max_version: "TLS13"
  cipher_suites:
    - TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
    - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
  prefer_server_cipher_suites: true
  curve_preferences: [CurveP256, X25519]
http_server_config:
  http2: true
  headers:
    X-Frame-Options: deny
basic_auth_users:
  alice: $2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze
"""


def test_node_exporter_style_file_is_accepted(tmp_path: Path, material: Material) -> None:
    path = tmp_path / "web.yml"
    path.write_text(
        NODE_EXPORTER_STYLE.format(
            cert=material.server_cert, key=material.server_key, ca=material.ca
        )
    )
    config = load_web_config(str(path))
    assert config.tls_server_config is not None
    assert config.basic_auth_users["alice"].startswith("$2y$")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tls_server_config:\n  cert_file: /x\n", "missing key_file"),
        (
            "tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n  client_ca_file: {ca}\n",
            "without a client_auth_type",
        ),
        (
            "tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n"
            "  client_auth_type: RequireAndVerifyClientCert\n",
            "needs client_ca_file",
        ),
        (
            "tls_server_config:\n  cert_file: /nope.pem\n  key_file: /nope.key\n",
            "cannot load certificate",
        ),
        ("basic_auth_users:\n  bob: plaintext-pw\n", "not a bcrypt hash"),
        (
            "tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n  min_version: SSL3\n",
            "unknown TLS version",
        ),
        ("unknown_section: 1\n", "unknown_section: unknown key"),
    ],
)
def test_invalid_web_config(tmp_path: Path, material: Material, text: str, expected: str) -> None:
    path = tmp_path / "web.yml"
    path.write_text(text.format(cert=material.server_cert, key=material.server_key, ca=material.ca))
    with pytest.raises(ConfigError) as err:
        load_web_config(str(path))
    assert expected in str(err.value)
    assert "plaintext-pw" not in str(err.value)


def test_invalid_web_config_exits_2(tmp_path: Path) -> None:
    (tmp_path / "web.yml").write_text("basic_auth_users:\n  bob: plaintext-pw\n")
    (tmp_path / "c.yml").write_text("targets: {}\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "devkit.sample_exporter",
            f"--config.file={tmp_path / 'c.yml'}",
            f"--web.config.file={tmp_path / 'web.yml'}",
            "--web.listen-address=127.0.0.1:0",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 2
    assert "basic_auth_users.bob: not a bcrypt hash" in result.stderr
    assert "plaintext-pw" not in result.stderr
