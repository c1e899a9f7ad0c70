"""Pure: what was read (certificate summaries, probe results, dates) -> metric samples.

Label sets are fixed so that series stay the same between scrapes: a certificate is
identified by `source` (file path, `host:port`, `windows:<store>`), its `position` in that
file or chain (0 = first/leaf) and `subject_cn`, `issuer_cn`, `serial`. Dated items carry
`source="expires"` and their `description` instead.
"""

from __future__ import annotations

import datetime as dt

from exporters.core import MetricSink
from exporters.core.tlsprobe import TLSProbeResult
from exporters.core.x509info import CertSummary

NOT_AFTER = "cert_not_after_timestamp_seconds"
NOT_BEFORE = "cert_not_before_timestamp_seconds"
_NOT_AFTER_HELP = (
    "When the certificate (or the dated item, source=expires) stops being valid, Unix time."
)
_NOT_BEFORE_HELP = "When the certificate becomes valid, Unix time."
_INFO_HELP = "Certificate details (value 1): subject, issuer, SANs, key, signature, CA flags."


def certificate_labels(summary: CertSummary, source: str, position: int) -> dict[str, str]:
    """The identifying labels of one certificate (shared by all its series)."""
    return {
        "source": source,
        "position": str(position),
        "subject_cn": summary.subject_cn,
        "issuer_cn": summary.issuer_cn,
        "serial": summary.serial,
    }


def emit_certificate(sink: MetricSink, summary: CertSummary, source: str, position: int) -> None:
    labels = certificate_labels(summary, source, position)
    sink.gauge(NOT_AFTER, _NOT_AFTER_HELP, summary.not_after, labels)
    sink.gauge(NOT_BEFORE, _NOT_BEFORE_HELP, summary.not_before, labels)
    sink.info(
        "cert_info",
        _INFO_HELP,
        {
            **labels,
            "subject": summary.subject,
            "issuer": summary.issuer,
            "sans": ",".join(summary.sans),
            "key_type": summary.key_type,
            "key_bits": str(summary.key_bits),
            "key_curve": summary.key_curve,
            "signature_algorithm": summary.signature_algorithm,
            "is_ca": _bool(summary.is_ca),
            "self_signed": _bool(summary.self_signed),
            "fingerprint_sha256": summary.fingerprint_sha256,
        },
    )


def emit_chain(sink: MetricSink, summaries: list[CertSummary], source: str) -> None:
    for position, summary in enumerate(summaries):
        emit_certificate(sink, summary, source, position)
    sink.gauge(
        "cert_certificates",
        "Certificates read from the source (a file or a presented chain).",
        len(summaries),
        {"source": source},
    )


def expiry_timestamp(expires: dt.date) -> float:
    """A dated item counts as expired from the start of its day (00:00 UTC): alert early."""
    return dt.datetime.combine(expires, dt.time(0, 0), tzinfo=dt.UTC).timestamp()


def emit_item(sink: MetricSink, expires: dt.date, description: str) -> None:
    sink.gauge(
        NOT_AFTER,
        _NOT_AFTER_HELP,
        expiry_timestamp(expires),
        {"source": "expires", "description": description},
    )


def emit_endpoint(sink: MetricSink, result: TLSProbeResult) -> None:
    sink.gauge(
        "cert_verified",
        "1 if the presented chain verifies against the trust store or ca_file, else 0.",
        result.verified,
    )
    sink.gauge(
        "cert_hostname_match",
        "1 if the leaf certificate matches server_name (or the address' host), else 0.",
        result.hostname_match,
    )
    sink.info(
        "cert_tls_info",
        "Negotiated TLS version and cipher of the endpoint (value 1).",
        {"version": result.tls_version, "cipher": result.cipher},
    )


def emit_source_readable(sink: MetricSink, source: str, readable: bool) -> None:
    sink.gauge(
        "cert_source_readable",
        "1 if the file could be read and parsed, 0 if not (details in the log).",
        readable,
        {"source": source},
    )


def _bool(value: bool) -> str:
    return "true" if value else "false"
