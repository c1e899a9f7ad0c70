"""Every metric of the certs exporter, declared once (see `exporters.core.catalogue`).

A certificate is identified by `source` (file path, `host:port`, `windows:<store>`), its
`position` in that file or chain (0 = first/leaf), `subject_cn`, `issuer_cn` and `serial`.
`cert_not_after_timestamp_seconds` also carries the dated items (licences, contracts:
`source="expires"` and their `description`), so that one set of expiry alerts covers both;
it therefore has one label set for both kinds, with the labels that do not apply left empty
(Prometheus stores an empty label as no label, so queries see the same series as before).
"""

from __future__ import annotations

from exporters.core.catalogue import Catalogue, gauge, info

CERT_LABELS = ("source", "position", "subject_cn", "issuer_cn", "serial")
"""The identifying labels of one certificate (the same on every scrape)."""

NOT_AFTER = gauge(
    "cert_not_after_timestamp_seconds",
    "When the certificate (or the dated item, source=expires) stops being valid, Unix time.",
    *CERT_LABELS,
    "description",
    unit="seconds",
)
NOT_BEFORE = gauge(
    "cert_not_before_timestamp_seconds",
    "When the certificate becomes valid, Unix time.",
    *CERT_LABELS,
    unit="seconds",
)
INFO = info(
    "cert_info",
    "Certificate details (value 1): subject, issuer, SANs, key, signature, CA flags.",
    *CERT_LABELS,
    "subject",
    "issuer",
    "sans",
    "key_type",
    "key_bits",
    "key_curve",
    "signature_algorithm",
    "is_ca",
    "self_signed",
    "fingerprint_sha256",
)
CERTIFICATES = gauge(
    "cert_certificates",
    "Certificates read from the source (a file or a presented chain).",
    "source",
)
VERIFIED = gauge(
    "cert_verified",
    "1 if the presented chain verifies against the trust store or ca_file, else 0.",
)
HOSTNAME_MATCH = gauge(
    "cert_hostname_match",
    "1 if the leaf certificate matches server_name (or the address' host), else 0.",
)
TLS_INFO = info(
    "cert_tls_info",
    "Negotiated TLS version and cipher of the endpoint (value 1).",
    "version",
    "cipher",
)
SOURCE_READABLE = gauge(
    "cert_source_readable",
    "1 if the file could be read and parsed, 0 if not (details in the log).",
    "source",
)

CATALOGUE = Catalogue(
    "cert",
    [
        NOT_AFTER,
        NOT_BEFORE,
        INFO,
        CERTIFICATES,
        VERIFIED,
        HOSTNAME_MATCH,
        TLS_INFO,
        SOURCE_READABLE,
    ],
)
