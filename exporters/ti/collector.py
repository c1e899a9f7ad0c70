"""The TI collector: thin I/O around the pure readers (`readings`) and writers (`series`).

Order per scrape: connector.sds (without it nothing else of the connector can be called:
the target is reported down), then each operation on its own - a failing call is counted
in `ti_operation_failures_total{operation}` and leaves the others' series intact - then
the KIM endpoints and the TI-Lage.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from exporters.core import Deadline, MetricSink
from exporters.core.httpclient import HttpClient
from exporters.core.logsetup import fields
from exporters.core.tlsprobe import ProbeError
from exporters.ti import directory, kim, readings, series, soap, transport
from exporters.ti.certinfo import leaf_not_after
from exporters.ti.config import ConnectorConfig, TiConfig, TiTarget
from exporters.ti.directory import Directory, DirectoryError
from exporters.ti.safexml import Element
from exporters.ti.tistatus import StatusCache

log = logging.getLogger("exporters.ti")
T = TypeVar("T")


class TargetDown(Exception):
    """connector.sds could not be read: the connector is not usable at all."""


class TiCollector:
    def __init__(self, config: TiConfig) -> None:
        self.config = config
        self._sessions: dict[str, HttpClient] = {}
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, str], int] = {}
        self._status_cache = StatusCache()
        self._setup_errors: dict[str, str] = {}
        for name, target in config.targets.items():
            if target.connector is not None:
                try:
                    self._sessions[name] = transport.build_client(target.connector)
                except ValueError as exc:
                    self._setup_errors[name] = str(exc)
                    log.error("connector TLS setup failed", extra=fields(target=name, err=str(exc)))

    def close(self) -> None:
        for session in self._sessions.values():
            session.close()

    # -- per target ----------------------------------------------------------------------------

    def collect_target(
        self, name: str, target: TiTarget, deadline: Deadline, sink: MetricSink
    ) -> None:
        if target.connector is not None:
            self._connector(name, target.connector, deadline, sink)
        if target.kim is not None:
            for service in ("smtp", "pop3"):
                endpoint = getattr(target.kim, service)
                if endpoint is None:
                    continue
                result = None
                try:
                    result = kim.check(service, endpoint, deadline, target.kim.ca_file)
                except (kim.KimCheckFailed, ProbeError) as exc:
                    log.warning(
                        "KIM check failed",
                        extra=fields(target=name, service=service, err=str(exc)),
                    )
                series.kim(sink, service, result)
        if target.ti_status is not None:
            cfg = target.ti_status
            snapshot = self._status_cache.get(cfg.url, cfg.interval, deadline, cfg.ca_file)
            if not snapshot.ok:
                log.warning("TI-Lage not available", extra=fields(target=name, err=snapshot.error))
            series.ti_status(sink, snapshot)

    def _connector(
        self, name: str, cfg: ConnectorConfig, deadline: Deadline, sink: MetricSink
    ) -> None:
        session = self._sessions.get(name)
        if session is None:
            reason = self._setup_errors.get(name, "unknown reason")
            raise TargetDown(f"connector TLS/authentication setup failed: {reason}")
        success: dict[str, bool] = {}
        call = _Caller(self, name, cfg, session, deadline, success)
        try:
            reply = transport.request(
                session, "GET", f"{cfg.base_url}/connector.sds", deadline, cfg.max_response_bytes
            )
            if reply.status != 200:
                raise soap.CallFailed(f"HTTP {reply.status}")
            soap.check_content_type(reply.content_type)
            sds = directory.parse(reply.body)
        except (soap.CallFailed, DirectoryError) as exc:
            self._count_failure(name, "connector.sds")
            raise TargetDown(f"connector.sds: {exc}") from None
        success["connector.sds"] = True
        series.directory(sink, sds, cfg.expected_firmware)
        series.connector_certificate(sink, leaf_not_after(reply.peer_chain))

        status = call.run(
            sds, "EventService", "GetResourceInformation", readings.resource_information
        )
        if status is not None:
            series.connector_status(sink, status)
        terms = call.run(sds, "EventService", "GetCardTerminals", readings.card_terminals)
        if terms is not None:
            series.terminals(sink, terms)
        card_list = call.run(sds, "EventService", "GetCards", readings.cards)
        if card_list is not None:
            series.cards(sink, card_list, [t.ct_id for t in terms or []])
        expiry = call.run(
            sds, "CertificateService", "CheckCertificateExpiration", readings.certificate_expiration
        )
        if expiry is not None:
            series.certificate_expiry(sink, expiry, card_list)
        for card in card_list.own if card_list is not None else ():
            if card.card_type != "SMC-B":
                continue
            pin = call.run(
                sds,
                "CardService",
                "GetPinStatus",
                readings.pin_status,
                card_handle=card.handle,
                pin_type=cfg.pin_type,
            )
            if pin is not None:
                series.pin_status(sink, card, pin)
        with self._lock:
            failures = {op: n for (t, op), n in self._failures.items() if t == name}
        series.operations(sink, success, failures)

    def _count_failure(self, name: str, operation: str) -> None:
        with self._lock:
            key = (name, operation)
            self._failures[key] = self._failures.get(key, 0) + 1


class _Caller:
    """Runs one SOAP operation; on failure logs, counts and returns None."""

    def __init__(
        self,
        collector: TiCollector,
        name: str,
        cfg: ConnectorConfig,
        session: HttpClient,
        deadline: Deadline,
        success: dict[str, bool],
    ) -> None:
        self.collector = collector
        self.name = name
        self.cfg = cfg
        self.session = session
        self.deadline = deadline
        self.success = success
        self.ctx = soap.CallContext(
            cfg.mandant_id, cfg.client_system_id, cfg.workplace_id, cfg.user_id
        )

    def run(
        self,
        sds: Directory,
        service: str,
        operation: str,
        reader: Callable[[Element], T],
        card_handle: str | None = None,
        pin_type: str | None = None,
    ) -> T | None:
        try:
            version = sds.pick(service)
            if version is None:
                raise soap.CallFailed(f"connector.sds offers no supported {service} version")
            url = directory.resolve_endpoint(
                version.endpoint, self.cfg.base_url, self.cfg.rewrite_endpoints
            )
            body = soap.build_request(
                service, version.major_minor, operation, self.ctx, card_handle, pin_type
            )
            headers = {
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": f'"{soap.soap_action(service, version.major_minor, operation)}"',
            }
            reply = transport.request(
                self.session, "POST", url, self.deadline, self.cfg.max_response_bytes, body, headers
            )
            result = reader(soap.payload(reply.status, reply.content_type, reply.body, operation))
        except (soap.CallFailed, DirectoryError, ValueError) as exc:
            self.collector._count_failure(self.name, operation)
            self.success[operation] = False
            log.warning(
                "connector call failed",
                extra=fields(target=self.name, operation=operation, err=str(exc)),
            )
            return None
        self.success.setdefault(operation, True)
        return result
