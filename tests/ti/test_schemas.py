"""The simulator is faithful: everything it sends, and everything the exporter sends,
validates against the gematik schemas (lxml XMLSchema, files copied from api-telematik)."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
from lxml import etree

from exporters.ti import soap
from simulators.ti_connector import documents as docs
from simulators.ti_connector import schema
from simulators.ti_connector.model import SCENARIOS, ConnectorState, apply_scenario, egk
from simulators.ti_connector.server import OPERATIONS, VENDORS, Simulator, handle_soap
from tests.ti.conftest import connector_config, scrape

SHARED = Path(__file__).resolve().parents[3] / "shared" / "ti-schemas"
CTX = soap.CallContext("Mandant1", "PVS1", "Empfang", "user-1")


def _requests() -> list[tuple[str, str, bytes]]:
    out = []
    for op, (service, version) in OPERATIONS.items():
        handle = "SMCB-1" if op == "GetPinStatus" else None
        pin = "PIN.SMC" if op == "GetPinStatus" else None
        out.append((service, op, soap.build_request(service, version, op, CTX, handle, pin)))
    out.append(
        (
            "CertificateService",
            "CheckCertificateExpiration",
            soap.build_request(
                "CertificateService", "6.0", "CheckCertificateExpiration", CTX, "H1"
            ),
        )
    )
    return out


def test_repo_copy_matches_shared_schemas() -> None:
    if not SHARED.exists():
        pytest.skip("../shared/ti-schemas not present (clean clone): the repo copy is used")
    cmp = filecmp.dircmp(SHARED, schema.SCHEMA_DIR)
    assert not cmp.left_only and not cmp.right_only and not cmp.diff_files
    for sub in ("conn", "ext", "tel/error", "tel/version"):
        sub_cmp = filecmp.dircmp(SHARED / sub, schema.SCHEMA_DIR / sub)
        assert not sub_cmp.diff_files and not sub_cmp.left_only, sub


def test_schema_copy_has_license_and_readme() -> None:
    assert "Apache License" in (schema.SCHEMA_DIR / "LICENSE").read_text()
    assert (schema.SCHEMA_DIR / "README.md").exists()


@pytest.mark.parametrize(("service", "op", "body"), _requests(), ids=lambda v: str(v)[:40])
def test_every_exporter_request_validates(service: str, op: str, body: bytes) -> None:
    assert schema.document_problems(body) == []


def test_schema_check_is_not_vacuous() -> None:
    """An invalid request (context children out of order) must be caught."""
    body = soap.build_request("EventService", "7.2", "GetCards", CTX)
    root = etree.fromstring(body)
    context = root.find(f".//{{{soap.CCTX}}}Context")
    assert context is not None
    context.append(context[0])  # MandantId moved to the end
    assert schema.document_problems(etree.tostring(root)) != []


def _states() -> list[tuple[str, ConnectorState]]:
    out = [("default", ConnectorState())]
    for name in SCENARIOS:
        state = ConnectorState()
        apply_scenario(state, name)
        out.append((name, state))
    everything = ConnectorState()
    for name in SCENARIOS:
        apply_scenario(everything, name)
    everything.cards.append(egk("CT_SPRECHZ1", 3))
    out.append(("all-scenarios", everything))
    return out


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_every_simulator_document_validates(vendor: str) -> None:
    for name, state in _states():
        sim = Simulator(state=state, vendor=VENDORS[vendor])
        sds = docs.service_directory(state, sim.advertised_base, sim.vendor.paths)
        assert schema.document_problems(sds) == [], name
        for service, op, body in _requests():
            action = f'"{soap.soap_action(service, OPERATIONS[op][1], op)}"'
            status, answer = handle_soap(sim, service, action, body)
            assert schema.document_problems(answer) == [], (name, op)
        state.faults.add("GetCards")
        status, answer = handle_soap(
            sim,
            "EventService",
            f'"{soap.soap_action("EventService", "7.2", "GetCards")}"',
            soap.build_request("EventService", "7.2", "GetCards", CTX),
        )
        assert status == 500 and b"Fault" in answer
        assert schema.document_problems(answer) == []
        assert sim.invalid_requests == [], (name, sim.invalid_requests)


def test_strict_simulator_rejects_wrong_soap_action() -> None:
    sim = Simulator()
    body = soap.build_request("EventService", "7.2", "GetCards", CTX)
    status, _ = handle_soap(sim, "EventService", '"urn:wrong#GetCards"', body)
    assert status == 500 and "SOAPAction" in sim.invalid_requests[0]


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_full_scrape_sends_only_valid_requests(connector, ti_pki, vendor: str) -> None:
    server = connector(vendor)
    scrape({"connector": connector_config(server.url, ti_pki)})
    assert server.sim.invalid_requests == []
    seen = server.sim.requests_seen
    assert {action.strip('"').rpartition("#")[2] for _, action, _ in seen} == set(OPERATIONS)
    for _, _, body in seen:
        assert schema.document_problems(body) == []
    assert all(
        path.startswith(VENDORS[vendor].paths["EventService"].rsplit("/", 1)[0])
        for path, _, _ in seen
    )
