"""Config of the certificate exporter: each target is exactly one kind of source.

```yaml
timeout: 10s
targets:
  konnektor_client:   {file: certs/konnektor.p12, password_file: secrets/p12.txt}
  pvs_web:            {file: "/etc/ssl/pvs/*.pem"}
  kim_smtp:           {address: "kim.praxis.local:465"}
  kim_pop3:           {address: "10.0.0.7:110", starttls: pop3, ca_file: kim-ca.pem}
  firewall_licence:   {expires: 2026-03-31, description: "Sophos XGS Lizenz"}
  server_store:       {windows_store: MY}   # Windows only
```
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import ClassVar, Literal

from exporters.core import ExporterConfig, TargetBase
from exporters.core.hostport import check_host_port
from exporters.core.model import SecretStr, field_validator, model_validator

KINDS = ("file", "address", "expires", "windows_store")
_ONLY_FOR = {
    "password": "file",
    "server_name": "address",
    "starttls": "address",
    "ca_file": "address",
    "description": "expires",
}


class CertTarget(TargetBase):
    """One certificate source or dated item."""

    file: str | None = None
    """Path or glob of PEM, DER or PKCS#12 files (relative to the config file)."""
    password: SecretStr | None = None
    """PKCS#12 password (or `password_file`)."""
    address: str | None = None
    """`host:port` of a TLS endpoint (`[v6]:port` for IPv6)."""
    server_name: str | None = None
    """SNI and the name the certificate must match; default: the host of `address`."""
    starttls: Literal["smtp", "pop3", "imap"] | None = None
    ca_file: str | None = None
    """PEM CA bundle to verify against instead of the system trust store."""
    expires: dt.date | None = None
    """Last day of a dated item that is not a certificate (licence, contract)."""
    description: str | None = None
    windows_store: Literal["MY", "ROOT", "CA"] | None = None
    """A Windows machine certificate store (Windows only)."""

    secret_fields: ClassVar[tuple[str, ...]] = ("password",)
    path_fields: ClassVar[tuple[str, ...]] = ("file", "ca_file")

    @field_validator("address")
    @classmethod
    def _check_address(cls, value: str | None) -> str | None:
        return None if value is None else check_host_port(value, port_required=True)

    @field_validator("windows_store")
    @classmethod
    def _windows_only(cls, value: str | None) -> str | None:
        if value is not None and sys.platform != "win32":
            raise ValueError(
                f"windows_store is only available on Windows (this is {sys.platform}); "
                "export the certificates to files and use `file:` instead"
            )
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> CertTarget:
        given = [k for k in KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of {', '.join(KINDS)}"
                + (f" (found {', '.join(given)})" if given else "")
            )
        for key, kind in _ONLY_FOR.items():
            if getattr(self, key) is not None and kind != given[0]:
                raise ValueError(f"{key} only applies to `{kind}:` targets")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in KINDS if getattr(self, k) is not None)


class CertsConfig(ExporterConfig[CertTarget]):
    """The certs exporter's config: targets are `CertTarget`s."""
