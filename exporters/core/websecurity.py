"""The live web config: TLS context and basic auth, re-read when its files change.

A web config that cannot be right is refused and the running one kept, loudly (error log,
`<prefix>_exporter_web_config_*` metrics), exactly as for the main config: an empty file
(left by a truncating editor), a broken bcrypt hash, or a change that would switch TLS or
basic auth off. Failing open would expose `/metrics` and `/-/reload` to anyone on the
practice network; switching protection off therefore needs a restart.

`ssl` is imported only when a web config switches TLS on (`build_ssl_context`): it costs
about 4.6 MiB, which a plain-HTTP exporter does not pay.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING

from exporters.core.auth import BasicAuth
from exporters.core.catalogue import core_metrics
from exporters.core.config import ConfigError
from exporters.core.logsetup import fields
from exporters.core.metrics import MetricSink
from exporters.core.ratelimit import TokenBucket
from exporters.core.webconfig import WebConfig, build_ssl_context, files_of, load_web_config

if TYPE_CHECKING:
    import ssl

log = logging.getLogger("exporters.core.websecurity")

Stamp = tuple[tuple[int, int, int], ...]


class WebSecurity:
    """Current TLS context and basic auth; reloads itself when its files change."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: Stamp = ()
        self.config = WebConfig()
        self.ssl_context: ssl.SSLContext | None = None
        self.response_headers: dict[str, str] = {}
        """`http_server_config.headers`, added to every response."""
        self.client_allowed_sans: list[str] = []
        self.auth = BasicAuth({})
        self.limiter = TokenBucket()
        self.last_reload_ok = True
        self.last_reload_success_time = time.time()
        self.reload_failures = 0
        if path:
            self._apply(load_web_config(path))

    def _stamps(self, config: WebConfig) -> Stamp:
        """Identity of every file involved; (mtime, size, inode) catches fast rewrites."""
        out = []
        for p in [self.path or "", *files_of(config)]:
            try:
                st = os.stat(p)
                out.append((st.st_mtime_ns, st.st_size, st.st_ino))
            except OSError:
                out.append((-1, -1, -1))
        return tuple(out)

    def _apply(self, config: WebConfig) -> None:
        tls = config.tls_server_config
        self.ssl_context = build_ssl_context(tls, self.path or "") if tls else None
        self.auth = BasicAuth(config.basic_auth_users)
        self.limiter = TokenBucket(config.rate_limit.interval, config.rate_limit.burst)
        self.response_headers = dict(config.http_server_config.headers)
        self.client_allowed_sans = list(tls.client_allowed_sans) if tls else []
        self.config = config
        self._stamp = self._stamps(config)

    def _check_transition(self, new: WebConfig) -> None:
        """Refuse changes that would silently weaken protection."""
        old = self.config
        if (old.tls_server_config is None) != (new.tls_server_config is None):
            raise ConfigError(f"{self.path}: switching TLS on or off needs a restart")
        if old.basic_auth_users and not new.basic_auth_users:
            raise ConfigError(
                f"{self.path}: the new web config has no basic_auth_users; switching basic "
                "auth off needs a restart"
            )

    def refresh(self) -> None:
        """Re-read the web config if it or its certificates changed; keep the old on error."""
        if not self.path:
            return
        with self._lock:
            if self._stamps(self.config) == self._stamp:
                return
            try:
                new = load_web_config(self.path)
                self._check_transition(new)
                self._apply(new)
            except ConfigError as exc:
                self._stamp = self._stamps(self.config)
                self.last_reload_ok = False
                self.reload_failures += 1
                log.error(
                    "web config reload failed; keeping the previous one",
                    extra=fields(file=self.path, err=str(exc)),
                )
                return
            self.last_reload_ok = True
            self.last_reload_success_time = time.time()
            log.info("web config reloaded", extra=fields(file=self.path))

    @property
    def tls(self) -> bool:
        return self.ssl_context is not None

    def self_metrics(self, sink: MetricSink, prefix: str) -> None:
        """Reload state of the web config, as for the main config."""
        if not self.path:
            return
        core = {d.name[len(prefix) + 1 :]: d for d in core_metrics(prefix)}
        sink.put(core["exporter_web_config_last_reload_successful"], int(self.last_reload_ok))
        sink.put(
            core["exporter_web_config_last_reload_success_timestamp_seconds"],
            self.last_reload_success_time,
        )
        sink.put(core["exporter_web_config_reload_failures_total"], self.reload_failures)
