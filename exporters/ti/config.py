"""Configuration of the TI exporter: a connector, the KIM module and the TI-Lage per target.

```yaml
targets:
  praxis:
    connector:
      base_url: https://konnektor.praxis.local
      mandant_id: m1
      client_system_id: cs1
      workplace_id: ws1
      auth: basic            # none | basic | certificate
      username: monitoring
      password_file: /etc/praxis/konnektor.pw
      ca_file: konnektor-ca.pem
      expected_firmware: 5.1.2
    kim:
      smtp: {address: 127.0.0.1:465, tls: implicit}
      pop3: {address: 127.0.0.1:995, tls: implicit}
    ti_status: true
```
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from exporters.core import ConfigModel, Duration, ExporterConfig, TargetBase
from exporters.core.hostport import check_host_port, host_port
from exporters.core.model import SecretStr, field_validator, model_validator

log = logging.getLogger("exporters.ti.config")

TI_LAGE_URL = "https://ti-lage.prod.ccs.gematik.solutions/lageapi/v2/tilage"
MIN_TI_STATUS_INTERVAL = 300.0
"""gematik asks for automated polling at most every 5 minutes."""


def _check_http_url(value: str, key: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{key} must be an http:// or https:// URL with a host")
    return value.rstrip("/")


class ConnectorConfig(ConfigModel):
    """How to reach and authenticate to the connector, and the call context to use."""

    base_url: str
    mandant_id: str
    client_system_id: str
    workplace_id: str
    user_id: str | None = None
    auth: Literal["none", "basic", "certificate"] = "none"
    username: str | None = None
    password: SecretStr | None = None
    cert_file: str | None = None
    key_file: str | None = None
    pkcs12_file: str | None = None
    pkcs12_password: SecretStr | None = None
    ca_file: str | None = None
    insecure_skip_verify: bool = False
    rewrite_endpoints: bool = True
    expected_firmware: str | None = None
    pin_type: str = "PIN.SMC"
    max_response_bytes: int = 4 * 1024 * 1024

    secret_fields: ClassVar[tuple[str, ...]] = ("password", "pkcs12_password")
    path_fields: ClassVar[tuple[str, ...]] = ("cert_file", "key_file", "pkcs12_file", "ca_file")

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_http_url(value, "base_url")

    @field_validator("mandant_id", "client_system_id", "workplace_id", "user_id")
    @classmethod
    def _context_id(cls, value: str | None) -> str | None:
        if value is not None and not 0 < len(value) <= 64:
            raise ValueError("must be 1 to 64 characters (ConnectorCommon.xsd)")
        return value

    @field_validator("max_response_bytes")
    @classmethod
    def _max_bytes(cls, value: int) -> int:
        if value < 16 * 1024:
            raise ValueError("must be at least 16384")
        return value

    @model_validator(mode="after")
    def _auth_keys(self) -> ConnectorConfig:
        if self.auth == "basic" and (not self.username or self.password is None):
            raise ValueError("auth: basic needs username and password (or password_file)")
        if self.auth == "certificate":
            pair = bool(self.cert_file and self.key_file)
            if pair == bool(self.pkcs12_file):
                raise ValueError(
                    "auth: certificate needs either cert_file and key_file, or pkcs12_file"
                )
        if self.auth != "basic" and (self.username or self.password is not None):
            raise ValueError("username/password are only used with auth: basic")
        if self.auth != "certificate" and (self.cert_file or self.key_file or self.pkcs12_file):
            raise ValueError("cert_file/key_file/pkcs12_file are only used with auth: certificate")
        if self.insecure_skip_verify and self.ca_file:
            raise ValueError("give either ca_file or insecure_skip_verify, not both")
        return self


class KimEndpoint(ConfigModel):
    """One KIM module endpoint (SMTP or POP3)."""

    address: str
    tls: Literal["implicit", "starttls", "none"] = "implicit"
    server_name: str | None = None
    """Name to send as SNI and to match the certificate against (default: the host)."""

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        return check_host_port(value, port_required=True)

    @property
    def host(self) -> str:
        return host_port(self.address)[0]

    @property
    def port(self) -> int:
        return host_port(self.address)[1]


class KimConfig(ConfigModel):
    """The KIM client module: checked by greeting and certificate only, never by mail."""

    smtp: KimEndpoint | None = None
    pop3: KimEndpoint | None = None
    ca_file: str | None = None

    path_fields: ClassVar[tuple[str, ...]] = ("ca_file",)

    @model_validator(mode="after")
    def _one(self) -> KimConfig:
        if self.smtp is None and self.pop3 is None:
            raise ValueError("kim needs smtp and/or pop3")
        return self


class TiStatusConfig(ConfigModel):
    """The public gematik TI-Lage API (v2), fetched at most every `interval`."""

    url: str = TI_LAGE_URL
    interval: Duration = MIN_TI_STATUS_INTERVAL
    ca_file: str | None = None

    path_fields: ClassVar[tuple[str, ...]] = ("ca_file",)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_http_url(value, "url")

    @field_validator("interval")
    @classmethod
    def _interval(cls, value: float) -> float:
        if value < MIN_TI_STATUS_INTERVAL:
            raise ValueError("must be at least 5m (gematik asks not to poll more often)")
        return value


class TiTarget(TargetBase):
    connector: ConnectorConfig | None = None
    kim: KimConfig | None = None
    ti_status: TiStatusConfig | None = None

    @field_validator("ti_status", mode="before")
    @classmethod
    def _ti_status_bool(cls, value: Any) -> Any:
        if value is True:
            return {}
        if value is False:
            return None
        return value

    @model_validator(mode="after")
    def _something(self) -> TiTarget:
        if self.connector is None and self.kim is None and self.ti_status is None:
            raise ValueError("a target needs connector, kim and/or ti_status")
        if self.connector is not None and self.connector.insecure_skip_verify:
            log.warning("insecure_skip_verify is set: the connector's certificate is not verified")
        if (
            self.connector is not None
            and self.connector.auth == "basic"
            and self.connector.base_url.startswith("http://")
        ):
            log.warning("auth: basic over http:// sends the connector password unencrypted")
        return self


class TiConfig(ExporterConfig[TiTarget]):
    """The TI exporter's config: targets are `TiTarget`s."""
