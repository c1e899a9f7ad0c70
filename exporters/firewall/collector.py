"""Scrapes one firewall per target: SNMP (one GET for the scalars, one GETBULK for the
tables) and/or REST calls, into one neutral Reading.

What the values mean lives in the vendor modules; this module only does the I/O and decides
what a failure costs: SNMP failing (or, for OPNsense, the firmware call failing) means
`firewall_up 0`; a REST call beside working SNMP, or a secondary OPNsense call, fails alone
(`firewall_api_up{endpoint} 0` and a log line).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from exporters.core import Deadline, MetricSink
from exporters.core.httpclient import HttpClient
from exporters.core.logsetup import fields
from exporters.core.snmp.session import EventLoopThread, SessionBase, SnmpError, open_session
from exporters.core.snmp.settings import split_address
from exporters.firewall import fortigate, fortigate_api, opnsense, series, sophos, watchguard
from exporters.firewall.config import FirewallConfig, FirewallTarget
from exporters.firewall.detect import choose
from exporters.firewall.mib import SYS_OBJECT_ID, MibSpec
from exporters.firewall.reading import Reading
from exporters.firewall.rest import ApiError, api_client, get_json
from exporters.firewall.series import Expectations
from exporters.firewall.versions import VersionTracker

log = logging.getLogger("exporters.firewall")
SPECS: dict[str, MibSpec] = {s.vendor: s for s in (fortigate.SPEC, sophos.SPEC, watchguard.SPEC)}
_PROBLEMS_LIMIT = 1000


class FirewallCollector:
    """One SNMP engine and one HTTP session per target; one shared event loop."""

    def __init__(self, config: FirewallConfig) -> None:
        self.config = config
        self._loop = EventLoopThread("firewall-snmp")
        self._lock = threading.Lock()
        self._sessions: dict[str, SessionBase] = {}
        self._http: dict[str, HttpClient] = {}
        self._chosen: dict[str, str] = {}
        self._reported: set[tuple[str, str]] = set()
        self.tracker = VersionTracker(Path(config.state_file) if config.state_file else None)
        for name, target in config.targets.items():
            if target.snmp is not None:
                self._session(name, target)  # engine set-up outside the first deadline

    def _session(self, name: str, target: FirewallTarget) -> SessionBase:
        with self._lock:
            session = self._sessions.get(name)
            if session is None:
                assert target.snmp is not None and target.address is not None
                host, port = split_address(target.address)
                session = open_session(host, port, target.snmp, self.config.target_timeout(name))
                self._sessions[name] = session
            return session

    def _http_session(self, name: str, target: FirewallTarget) -> HttpClient:
        with self._lock:
            session = self._http.get(name)
            if session is None:
                assert target.api is not None
                session = api_client(target.api.ca_file, target.api.insecure_skip_verify)
                self._http[name] = session
            return session

    def collect_target(
        self, name: str, target: FirewallTarget, deadline: Deadline, sink: MetricSink
    ) -> None:
        reading: Reading | None = None
        if target.snmp is not None and target.vendor != "opnsense":
            reading = self._snmp(name, target, deadline, sink)
        if target.vendor == "opnsense":
            reading = self._opnsense(name, target, deadline, sink)
        elif target.api is not None:
            rest = self._fortigate_api(name, target, deadline, sink)
            if reading is None:
                if rest is None:
                    raise ApiError("the FortiGate API failed and no SNMP is configured")
                reading = rest
            elif rest is not None:
                reading.merge_preferred(rest)
        assert reading is not None
        self._log_problems(name, reading.problems)
        expect = Expectations(
            target.expected_firmware,
            target.licence_warning,
            tuple(target.vpn_tunnels),
            tuple(target.wan_links),
        )
        series.firewall(sink, reading, name, self.tracker, expect, time.time())

    # -- SNMP ------------------------------------------------------------------------------

    def _snmp(
        self, name: str, target: FirewallTarget, deadline: Deadline, sink: MetricSink
    ) -> Reading:
        session = self._session(name, target)
        before = session.packets_sent
        try:
            return self._snmp_read(name, target, session, deadline)
        except Exception:
            self._chosen.pop(name, None)
            raise
        finally:
            series.snmp_packets(sink, session.packets_sent - before)

    def _snmp_read(
        self, name: str, target: FirewallTarget, session: SessionBase, deadline: Deadline
    ) -> Reading:
        vendor = target.vendor if target.vendor != "auto" else self._chosen.get(name)
        if vendor is None:
            answer = self._loop.call(session, session.get([SYS_OBJECT_ID], deadline), deadline)
            oid = answer.get(SYS_OBJECT_ID)
            spec = choose(str(oid) if oid is not None else None, SPECS.values())
            if spec is None:
                raise SnmpError(
                    "sysObjectID names no supported firewall vendor (FortiGate, Sophos, "
                    "WatchGuard); set vendor: explicitly"
                )
            self._chosen[name] = spec.vendor
            log.info("firewall vendor chosen", extra=fields(target=name, vendor=spec.vendor))
        else:
            spec = SPECS.get(vendor)
            if spec is None:
                raise SnmpError(f"vendor {vendor} is not supported over SNMP yet")
        answer = self._loop.call(session, session.get(spec.oids(), deadline), deadline)
        scalars = spec.keyed(answer)
        if not any(not key.startswith("sys") for key in scalars):
            raise SnmpError(f"the agent answered none of the {spec.vendor} OIDs")
        columns = {col: n for col, n in spec.tables(scalars).items() if n > 0}
        table = (
            self._loop.call(session, session.bulk_columns(columns, deadline), deadline)
            if columns
            else {}
        )
        return spec.parse(scalars, table, target.zone())

    # -- REST ------------------------------------------------------------------------------

    def _fetch(
        self,
        name: str,
        target: FirewallTarget,
        path: str,
        deadline: Deadline,
        sink: MetricSink,
        use: Callable[[Any], None],
        params: dict[str, str] | None = None,
    ) -> None:
        """GET `path` and hand the JSON to `use`; writes `firewall_api_up{endpoint}`.

        Raises ApiError when the call or the answer's shape failed.
        """
        api = target.api
        assert api is not None
        # identity: a compressed answer could expand far beyond max_response_bytes per read
        headers = {"Accept": "application/json", "Accept-Encoding": "identity"}
        auth = None
        if api.token is not None:
            headers["Authorization"] = f"Bearer {api.token.get_secret_value()}"
        if api.key is not None and api.secret is not None:
            auth = (api.key.get_secret_value(), api.secret.get_secret_value())
        try:
            doc = get_json(
                self._http_session(name, target),
                api.url + path,
                deadline,
                api.max_response_bytes,
                headers=headers,
                auth=auth,
                params=params,
            )
            try:
                use(doc)
            except (fortigate_api.ApiAnswerError, opnsense.ApiAnswerError) as exc:
                raise ApiError(f"answer not as documented: {exc}") from None
        except ApiError as exc:
            series.api_up(sink, path, False)
            log.warning(
                "firewall API call failed", extra=fields(target=name, endpoint=path, err=str(exc))
            )
            raise
        series.api_up(sink, path, True)

    def _fortigate_api(
        self, name: str, target: FirewallTarget, deadline: Deadline, sink: MetricSink
    ) -> Reading | None:
        assert target.api is not None
        params = {"vdom": target.api.vdom} if target.api.vdom else None
        got: list[Reading] = []
        try:
            self._fetch(
                name,
                target,
                fortigate_api.PATH,
                deadline,
                sink,
                lambda doc: got.append(fortigate_api.parse(doc)),
                params,
            )
        except ApiError:
            return None
        return got[0]

    def _opnsense(
        self, name: str, target: FirewallTarget, deadline: Deadline, sink: MetricSink
    ) -> Reading:
        reading = Reading(vendor="opnsense")
        zone = target.zone()
        # the firmware status is the target's core: when it fails, the target is down
        self._fetch(
            name,
            target,
            opnsense.FIRMWARE,
            deadline,
            sink,
            lambda doc: opnsense.firmware(doc, reading),
        )
        secondary: list[tuple[str, Callable[[Any], None]]] = [
            (opnsense.RULESETS, lambda doc: opnsense.rulesets(doc, reading, zone)),
            (opnsense.GATEWAYS, lambda doc: opnsense.gateways(doc, reading)),
        ]
        for path, use in secondary:
            try:
                self._fetch(name, target, path, deadline, sink, use)
            except ApiError:
                continue  # only this call failed; firewall_api_up says which
        return reading

    def _log_problems(self, name: str, problems: list[str]) -> None:
        for problem in problems:
            if (name, problem) in self._reported:
                continue
            if len(self._reported) > _PROBLEMS_LIMIT:
                self._reported.clear()
            self._reported.add((name, problem))
            log.warning("skipped a value", extra=fields(target=name, problem=problem))

    def close(self) -> None:
        with self._lock:
            sessions = list(self._sessions.values())
            self._sessions.clear()
            http = list(self._http.values())
            self._http.clear()
        for session in http:
            session.close()

        def close_sessions() -> None:
            for snmp in sessions:
                try:
                    snmp.close()
                except Exception as exc:
                    log.debug("closing SNMP session failed", extra=fields(err=str(exc)))

        self._loop.close(close_sessions)
