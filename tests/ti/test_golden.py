"""Golden exposition: a connector (with a patient card inserted), KIM and the TI-Lage.

A renamed metric, label or help text shows up as a diff of `golden/scenario.prom`
(regenerate with `UPDATE_GOLDEN=1 .venv/bin/pytest tests/ti -k golden` and read the diff).
Dates of the cards are fixed; the expiry of the test PKI's TLS certificates and the time of
the TI-Lage fetch change per run and are masked.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from devkit import pki
from devkit.golden import assert_golden, unseen
from exporters.ti.catalogue import CATALOGUE
from simulators.kim import KimModule
from simulators.ti_connector.model import EGK_HOLDER, EGK_KVNR, ConnectorState, egk
from tests.ti.conftest import Pki, connector_config, exposition, scrape
from tests.ti.test_kim_status import tilage  # noqa: F401 (fixture)

GOLDEN = Path(__file__).parent / "golden"
_VOLATILE = re.compile(
    r"^((?:ti_connector_certificate_expiry_timestamp_seconds|"
    r"ti_kim_certificate_expiry_timestamp_seconds|"
    r"ti_status_last_success_timestamp_seconds)(?:\{.*\})?) \S+$",
    re.MULTILINE,
)


def test_golden_scenario(connector, ti_pki: Pki, tilage: dict, tmp_path: Path) -> None:  # noqa: F811
    state = ConnectorState()
    for days, card in enumerate(state.cards):
        card.cert_expiry = dt.date(2028, 1, 1) + dt.timedelta(days=days)
    state.smck_expiry = dt.date(2029, 6, 30)
    state.cards.append(egk("CT_SPRECHZ1", 1))
    server = connector(state=state)
    ca = pki.make_ca("KIM Golden CA")
    leaf = pki.make_cert("kim.praxis.test", issuer=ca, sans=["127.0.0.1"])
    cert = pki.write_pem(tmp_path / "kim.pem", leaf, ca)
    key = pki.write_key(tmp_path / "kim.key", leaf)
    with KimModule(str(cert), str(key), "implicit", "starttls") as module:
        target = {
            "connector": connector_config(server.url, ti_pki, expected_firmware="5.50.3"),
            "kim": {
                "smtp": {"address": module.smtp.address, "tls": "implicit"},
                "pop3": {"address": module.pop3.address, "tls": "starttls"},
                "ca_file": str(pki.write_pem(tmp_path / "kim-ca.pem", ca)),
            },
            "ti_status": {"url": tilage["url"]},
        }
        sink, _ = scrape(target)
    text = _VOLATILE.sub(r"\1 <varies>", exposition(sink))
    assert EGK_HOLDER not in text and EGK_KVNR not in text
    assert_golden(text, GOLDEN / "scenario.prom")
    assert unseen(CATALOGUE, text) == []
