"""connector.sds: product information and the services with their versions and endpoints.

Vendors put their services under different paths and list several versions each; the
exporter picks the highest version it speaks and, by default, replaces scheme/host/port of
the endpoint by those of the configured base URL (the SDS often names an internal address).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from exporters.ti import safexml

SUPPORTED: dict[str, tuple[str, ...]] = {
    # the versions whose gematik schemas this exporter is built and tested against
    "EventService": ("7.2",),
    "CardService": ("8.1",),
    "CertificateService": ("6.0",),
}


class DirectoryError(ValueError):
    """connector.sds is not usable; the message is safe to log."""


@dataclass(frozen=True)
class Product:
    vendor_id: str = ""
    vendor_name: str = ""
    product_name: str = ""
    product_code: str = ""
    product_type: str = ""
    product_type_version: str = ""
    hw_version: str = ""
    fw_version: str = ""


@dataclass(frozen=True)
class ServiceVersion:
    service: str
    version: str  # as listed, e.g. "7.2.0"
    endpoint: str

    @property
    def key(self) -> tuple[int, ...]:
        return _version_key(self.version)

    @property
    def major_minor(self) -> str:
        return ".".join(self.version.split(".")[:2])


@dataclass(frozen=True)
class Directory:
    product: Product
    tls_mandatory: bool | None
    client_auth_mandatory: bool | None
    services: dict[str, list[ServiceVersion]] = field(default_factory=dict)

    def highest(self, service: str) -> ServiceVersion | None:
        """The highest version listed for `service` (for the info metric)."""
        versions = self.services.get(service, [])
        return max(versions, key=lambda v: v.key) if versions else None

    def pick(self, service: str) -> ServiceVersion | None:
        """The highest listed version the exporter supports, or None."""
        usable = [
            v for v in self.services.get(service, []) if v.major_minor in SUPPORTED.get(service, ())
        ]
        return max(usable, key=lambda v: v.key) if usable else None


def _version_key(version: str) -> tuple[int, ...]:
    out = []
    for part in version.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        out.append(int(digits) if digits else 0)
    return tuple(out)


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.lower() in ("true", "1")


def parse(document: bytes) -> Directory:
    """Parse connector.sds (any prefixes); raise DirectoryError when it is unusable."""
    try:
        root = safexml.parse(document)
    except safexml.XMLRejected as exc:
        raise DirectoryError(f"connector.sds: {exc}") from None
    if safexml.local(root) != "ConnectorServices":
        raise DirectoryError("connector.sds: root element is not ConnectorServices")
    info = safexml.child(root, "ProductInformation")
    local = safexml.path(info, "ProductIdentification", "ProductVersion", "Local")
    product = Product(
        vendor_id=safexml.text(info, "ProductIdentification", "ProductVendorID") or "",
        vendor_name=safexml.text(info, "ProductMiscellaneous", "ProductVendorName") or "",
        product_name=safexml.text(info, "ProductMiscellaneous", "ProductName") or "",
        product_code=safexml.text(info, "ProductIdentification", "ProductCode") or "",
        product_type=safexml.text(info, "ProductTypeInformation", "ProductType") or "",
        product_type_version=safexml.text(info, "ProductTypeInformation", "ProductTypeVersion")
        or "",
        hw_version=safexml.text(local, "HWVersion") or "",
        fw_version=safexml.text(local, "FWVersion") or "",
    )
    services: dict[str, list[ServiceVersion]] = {}
    for service in safexml.descendants(root, "Service"):
        name = (service.get("Name") or "").strip()
        if not name:
            continue
        for version in safexml.descendants(service, "Version"):
            endpoint = safexml.child(version, "EndpointTLS")
            if endpoint is None:
                endpoint = safexml.child(version, "Endpoint")
            location = endpoint.get("Location") if endpoint is not None else None
            number = (version.get("Version") or "").strip()
            if location and number:
                services.setdefault(name, []).append(ServiceVersion(name, number, location.strip()))
    if not services:
        raise DirectoryError("connector.sds lists no services")
    return Directory(
        product=product,
        tls_mandatory=_bool(safexml.text(root, "TLSMandatory")),
        client_auth_mandatory=_bool(safexml.text(root, "ClientAutMandatory")),
        services=services,
    )


def resolve_endpoint(endpoint: str, base_url: str, rewrite: bool) -> str:
    """The URL to call for an SDS endpoint.

    With `rewrite`, scheme, host and port come from `base_url` and only path and query
    from the SDS. Without it the SDS endpoint is used as listed but must be on the same
    host as `base_url` - credentials are never sent to a host the operator did not name.
    """
    base = urlsplit(base_url)
    ep = urlsplit(endpoint)
    if ep.scheme not in ("http", "https", "") or (ep.scheme and not ep.hostname):
        raise DirectoryError("endpoint in connector.sds is not an http(s) URL")
    path = ep.path if ep.path.startswith("/") else "/" + ep.path
    if rewrite or not ep.scheme:
        return urlunsplit((base.scheme, base.netloc, path, ep.query, ""))
    if (ep.hostname or "").lower() != (base.hostname or "").lower():
        raise DirectoryError(
            "endpoint host in connector.sds differs from base_url host "
            "(set rewrite_endpoints: true to use base_url's host)"
        )
    return urlunsplit((ep.scheme, ep.netloc, path, ep.query, ""))
