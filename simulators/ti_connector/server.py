"""HTTPS server of the simulated connector: GET /connector.sds, SOAP POSTs, state control.

Strict by default: every request is validated against the gematik schemas and must carry
the SOAPAction of the operation (`http://ws.gematik.de/conn/<Service>/v<x.y>#<Op>`); an
invalid request is answered with a SOAP fault and remembered in `invalid_requests`, so a
test sees at once if the exporter sent something a real connector would reject.
"""

from __future__ import annotations

import base64
import hmac
import json
import ssl
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from lxml import etree

from simulators.ti_connector import documents as docs
from simulators.ti_connector import schema
from simulators.ti_connector.model import ConnectorState, apply_scenario


@dataclass(frozen=True)
class Vendor:
    """How a connector product lays out its endpoints and writes its XML."""

    name: str
    paths: dict[str, str]
    style: str


def _paths(prefix: str, lower: bool) -> dict[str, str]:
    return {s: f"{prefix}/{s.lower() if lower else s}" for s in docs.SERVICES}


VENDORS = {
    "secunet": Vendor("secunet", _paths("/ws", lower=False), "jaxws"),
    "rise": Vendor("rise", _paths("/webservices", lower=True), "gematik"),
    "kocobox": Vendor("kocobox", _paths("/service", lower=True), "default"),
}

# operation -> (service, major.minor of the schema it is served in)
OPERATIONS = {
    "GetResourceInformation": ("EventService", "7.2"),
    "GetCardTerminals": ("EventService", "7.2"),
    "GetCards": ("EventService", "7.2"),
    "GetPinStatus": ("CardService", "8.1"),
    "CheckCertificateExpiration": ("CertificateService", "6.0"),
}
MAX_REQUEST = 256 * 1024


@dataclass
class Simulator:
    """Configuration and live state of one simulated connector."""

    state: ConnectorState = field(default_factory=ConnectorState)
    vendor: Vendor = VENDORS["secunet"]
    advertised_base: str = "https://konnektor.praxis.intern:8443"
    """Base of the endpoints written into connector.sds (an internal address, as often)."""
    basic_auth: tuple[str, str] | None = None
    strict: bool = True
    requests_seen: list[tuple[str, str, bytes]] = field(default_factory=list)
    invalid_requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def endpoint_op(self, path: str) -> str | None:
        """The service served at `path`, or None."""
        for service, p in self.vendor.paths.items():
            if path == p and service not in self.state.missing_services:
                return service
        return None


def handle_soap(sim: Simulator, service: str, action: str, body: bytes) -> tuple[int, bytes]:
    """Answer one SOAP request; returns (HTTP status, envelope)."""
    style = sim.vendor.style
    try:
        parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
        env = etree.fromstring(body, parser)
        payload = schema.payloads(body)[0]
    except (etree.XMLSyntaxError, ValueError, IndexError) as exc:
        return _reject(sim, f"unparseable request: {exc}", style)
    if env.tag != f"{{{docs.SOAP}}}Envelope":
        return _reject(sim, "not a SOAP 1.1 envelope", style)
    op = etree.QName(payload).localname
    if op not in OPERATIONS or OPERATIONS[op][0] != service:
        return _reject(sim, f"operation {op} not offered by {service}", style)
    expected = f"http://ws.gematik.de/conn/{service}/v{OPERATIONS[op][1]}#{op}"
    if sim.strict:
        problems = schema.problems(payload)
        if problems:
            return _reject(sim, f"{op}: schema violation: {problems[0]}", style)
        if action.strip('"') != expected:
            return _reject(sim, f"{op}: SOAPAction {action!r}, expected {expected!r}", style)
    state = sim.state
    if op in state.faults:
        return 500, docs.fault(4000, f"{op} fehlgeschlagen (simuliert)", style)
    if op == "GetResourceInformation":
        node = docs.resource_information(state)
    elif op == "GetCardTerminals":
        node = docs.card_terminals(state)
    elif op == "GetCards":
        node = docs.cards(state)
    elif op == "CheckCertificateExpiration":
        node = docs.certificate_expiration(state)
    else:
        handle = _text(payload, "CardHandle")
        pin_type = _text(payload, "PinTyp")
        card = state.card(handle or "")
        if card is None:
            return 500, docs.fault(4101, "Kartenhandle ungültig", style)
        if pin_type != "PIN.SMC" and card.card_type == "SMC-B":
            return 500, docs.fault(4072, "PIN-Typ unbekannt", style)
        node = docs.pin_status(card)
    return 200, docs.envelope(node, style)


def _text(element: etree._Element, local: str) -> str | None:
    for child in element.iter():
        if isinstance(child.tag, str) and etree.QName(child).localname == local:
            return child.text
    return None


def _reject(sim: Simulator, reason: str, style: str) -> tuple[int, bytes]:
    with sim.lock:
        sim.invalid_requests.append(reason)
    return 500, docs.fault(4000, "Ungültige Anfrage", style)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _authorized(self) -> bool:
        creds = self.server.sim.basic_auth
        if creds is None:
            return True
        header = self.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{creds[0]}:{creds[1]}".encode()).decode()
        if hmac.compare_digest(header.encode(), expected.encode()):
            return True
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="Konnektor"')
        self.send_header("Content-Length", "0")
        self.end_headers()
        return False

    def do_GET(self) -> None:
        sim = self.server.sim
        if not self._authorized():
            return
        if self.path == "/connector.sds":
            raw = sim.state.raw_responses.get("connector.sds")
            if raw:
                self._send(raw[0], raw[2], raw[1])
                return
            body = docs.service_directory(sim.state, sim.advertised_base, sim.vendor.paths)
            self._send(200, body, "application/xml; charset=utf-8")
            return
        self._send(404, b"not found\n", "text/plain")

    def do_POST(self) -> None:
        sim = self.server.sim
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST:
            self._send(413, b"too large\n", "text/plain")
            return
        body = self.rfile.read(length)
        if self.path.startswith("/-/sim/"):
            self._control(self.path[len("/-/sim/") :], body)
            return
        if not self._authorized():
            return
        path = self.path.split("?", 1)[0]
        service = sim.endpoint_op(path)
        if service is None:
            self._send(404, b"no such endpoint\n", "text/plain")
            return
        action = self.headers.get("SOAPAction", "")
        with sim.lock:
            sim.requests_seen.append((path, action, body))
        op = action.strip('"').rpartition("#")[2]
        raw = sim.state.raw_responses.get(op)
        if raw:
            self._send(raw[0], raw[2], raw[1])
            return
        with sim.lock:
            status, answer = handle_soap(sim, service, action, body)
        self._send(status, answer, "text/xml; charset=utf-8")

    def _control(self, command: str, body: bytes) -> None:
        """Switch states of a simulator running as a process (tests, demo)."""
        sim = self.server.sim
        try:
            with sim.lock:
                if command.startswith("scenario/"):
                    apply_scenario(sim.state, command[len("scenario/") :])
                elif command == "reset":
                    sim.state = ConnectorState()
                elif command == "invalid-requests":
                    self._send(200, json.dumps(sim.invalid_requests).encode(), "application/json")
                    return
                else:
                    raise KeyError(command)
        except KeyError as exc:
            self._send(404, f"{exc}\n".encode(), "text/plain")
            return
        self._send(200, b"ok\n", "text/plain")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sim: Simulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that fail TLS (no client certificate, plain HTTP) are expected in tests;
        anything else is a simulator bug and is printed."""
        if not isinstance(sys.exc_info()[1], (ssl.SSLError, ConnectionError)):
            super().handle_error(request, client_address)


def tls_context(cert_file: str, key_file: str, client_ca: str | None = None) -> ssl.SSLContext:
    """Server TLS; with `client_ca` a client certificate from that CA is required."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_file, key_file)
    if client_ca:
        ctx.load_verify_locations(client_ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


class ConnectorServer:
    """A running simulator on 127.0.0.1:`port` (in a thread); `stop()` ends it."""

    def __init__(self, sim: Simulator, port: int, tls: ssl.SSLContext | None) -> None:
        self.sim = sim
        self.httpd = _Server(("127.0.0.1", port), _Handler)
        self.httpd.sim = sim
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = port
        self.scheme = "https" if tls else "http"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self) -> ConnectorServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
