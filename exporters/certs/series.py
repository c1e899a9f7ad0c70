"""Pure: what was read (certificate summaries, probe results, dates) -> metric samples.

The one writing layer of the certs exporter: every sample goes through a declaration of
`catalogue`, so names, types and label sets stay the same between scrapes and targets.
"""

from __future__ import annotations

import datetime as dt

from exporters.certs import catalogue as m
from exporters.core import MetricSink
from exporters.core.tlsprobe import TLSProbeResult
from exporters.core.x509info import CertSummary


def certificate_labels(summary: CertSummary, source: str, position: int) -> dict[str, str]:
    """The identifying labels of one certificate (shared by all its series)."""
    return {
        "source": source,
        "position": str(position),
        "subject_cn": summary.subject_cn,
        "issuer_cn": summary.issuer_cn,
        "serial": summary.serial,
    }


def certificate(sink: MetricSink, summary: CertSummary, source: str, position: int) -> None:
    labels = certificate_labels(summary, source, position)
    sink.put(m.NOT_AFTER, summary.not_after, {**labels, "description": ""})
    sink.put(m.NOT_BEFORE, summary.not_before, labels)
    sink.put_info(
        m.INFO,
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


def chain(sink: MetricSink, summaries: list[CertSummary], source: str) -> None:
    for position, summary in enumerate(summaries):
        certificate(sink, summary, source, position)
    sink.put(m.CERTIFICATES, len(summaries), {"source": source})


def expiry_timestamp(expires: dt.date) -> float:
    """A dated item counts as expired from the start of its day (00:00 UTC): alert early."""
    return dt.datetime.combine(expires, dt.time(0, 0), tzinfo=dt.UTC).timestamp()


def item(sink: MetricSink, expires: dt.date, description: str) -> None:
    """A dated item: `source="expires"`, its description, the certificate labels empty."""
    labels = dict.fromkeys(m.CERT_LABELS, "")
    sink.put(
        m.NOT_AFTER,
        expiry_timestamp(expires),
        {**labels, "source": "expires", "description": description},
    )


def endpoint(sink: MetricSink, result: TLSProbeResult) -> None:
    sink.put(m.VERIFIED, result.verified)
    sink.put(m.HOSTNAME_MATCH, result.hostname_match)
    sink.put_info(m.TLS_INFO, {"version": result.tls_version, "cipher": result.cipher})


def source_readable(sink: MetricSink, source: str, readable: bool) -> None:
    sink.put(m.SOURCE_READABLE, readable, {"source": source})


def _bool(value: bool) -> str:
    return "true" if value else "false"
