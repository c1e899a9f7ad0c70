"""Golden exposition: one fixed scenario through the real collector, frozen in a file.

Certificates with fixed Ed25519 keys (deterministic signatures), serials and dates, read
from files (one broken file beside them in a glob), presented by a real TLS endpoint, and a
dated item. A renamed metric, label or help text shows up as a diff of
`golden/scenario.prom` (regenerate with `UPDATE_GOLDEN=1 .venv/bin/pytest tests/certs -k
golden` and read the diff). This is also where both kinds of
`cert_not_after_timestamp_seconds` (certificate, dated item) meet in one scrape.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519

from devkit.golden import assert_golden, exposition, unseen
from devkit.pki import make_ca, make_cert, write_key, write_pem
from exporters.certs.catalogue import CATALOGUE
from exporters.certs.collector import CertsCollector
from exporters.certs.config import CertsConfig
from exporters.core.config import parse_config
from exporters.core.scrape import ScrapeRunner
from simulators.mail import MailResponder

GOLDEN = Path(__file__).parent / "golden"
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _key(seed: int) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)


def test_golden_scenario(tmp_path: Path) -> None:
    root = make_ca(
        "Praxis Golden CA",
        not_before=START,
        not_after=START + dt.timedelta(days=3650),
        serial=0x1001,
        key=_key(1),
    )
    leaf = make_cert(
        "kim.praxis.test",
        issuer=root,
        sans=["kim.praxis.test", "127.0.0.1"],
        not_before=START,
        not_after=START + dt.timedelta(days=365),
        serial=0x2002,
        key=_key(2),
    )
    (tmp_path / "web").mkdir()
    write_pem(tmp_path / "web" / "chain.pem", leaf, root)
    (tmp_path / "web" / "broken.pem").write_text("-----BEGIN CERTIFICATE-----\nnot base64\n")
    write_pem(tmp_path / "root.pem", root)
    server = MailResponder(
        "smtp",
        "implicit",
        write_pem(tmp_path / "server.pem", leaf, root),
        write_key(tmp_path / "server.key", leaf),
    ).start()
    try:
        config = parse_config(
            f"""
timeout: 5s
targets:
  pvs_web: {{file: "web/*.pem"}}
  kim_smtp: {{address: "{server.address}", server_name: kim.praxis.test, ca_file: root.pem}}
  fw_licence: {{expires: 2027-03-31, description: "Sophos XGS Lizenz"}}
""",
            CertsConfig,
            base_dir=tmp_path,
        )
        runner = ScrapeRunner("cert", config, CertsCollector(config), catalogue=CATALOGUE)
        try:
            sink = runner.scrape(runner.target_names())
        finally:
            runner.close()
    finally:
        server.stop()
    text = exposition(sink).replace(str(tmp_path), "<dir>")
    text = text.replace(server.address, "127.0.0.1:<port>")
    assert_golden(text, GOLDEN / "scenario.prom")
    assert unseen(CATALOGUE, text) == []
