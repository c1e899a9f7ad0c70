"""Reads each target's certificates: files (glob), TLS endpoints, Windows stores, dates.

Thin I/O here; parsing is in `parsing`, metric shaping in `series`. A target whose only
source cannot be read raises (the core reports `cert_up 0` and logs why); in a glob, a bad
file among good ones is reported as `cert_source_readable{source} 0` and logged.
"""

from __future__ import annotations

import glob
import logging
import ssl
from pathlib import Path

from exporters.certs import series
from exporters.certs.config import CertsConfig, CertTarget
from exporters.certs.parsing import CertFileError, NoCertificateError, parse_certificates
from exporters.core import Deadline, MetricSink
from exporters.core.files import FileRefused, is_regular_file, large_slot, read_bounded
from exporters.core.hostport import host_port
from exporters.core.logsetup import fields
from exporters.core.tlsprobe import probe
from exporters.core.x509info import CertSummary, DERError, summarize_chain

log = logging.getLogger("exporters.certs")
MAX_FILE_BYTES = 10 * 1024 * 1024
_GLOB_CHARS = frozenset("*?[")


class SourceError(Exception):
    """The target's source could not be read at all."""


class SkippedFile(SourceError):
    """A PEM file in a glob that holds only keys or requests: not an error there."""


class CertsCollector:
    """Every scrape reads every source again (files are small, handshakes cheap); what is
    costly to derive from unchanged bytes is cached below it (summaries by certificate
    digest in `x509info`, decrypted PKCS#12 by content and password in `parsing`)."""

    def __init__(self, config: CertsConfig) -> None:
        self.config = config

    def collect_target(
        self, name: str, target: CertTarget, deadline: Deadline, sink: MetricSink
    ) -> None:
        if target.file is not None:
            self._files(name, target, target.file, deadline, sink)
        elif target.address is not None:
            self._endpoint(name, target, target.address, deadline, sink)
        elif target.expires is not None:
            series.item(sink, target.expires, target.description or name)
        elif target.windows_store is not None:
            self._windows_store(target.windows_store, sink)

    def close(self) -> None:
        pass

    def _files(
        self, name: str, target: CertTarget, pattern: str, deadline: Deadline, sink: MetricSink
    ) -> None:
        paths = _expand(pattern)
        password = target.password.get_secret_value().encode() if target.password else None
        read: list[Path] = []
        errors: list[str] = []
        for path in paths:
            if deadline.expired:
                raise SourceError(f"deadline reached after {len(read) + len(errors)} files")
            try:
                certs = read_certificate_file(path, password)
            except SkippedFile as exc:
                if len(paths) == 1:
                    raise SourceError(str(exc)) from None
                log.debug("skipping file", extra=fields(target=name, reason=str(exc)))
                continue
            except SourceError as exc:
                errors.append(str(exc))
                series.source_readable(sink, str(path), False)
                continue
            read.append(path)
            series.source_readable(sink, str(path), True)
            series.chain(sink, _summaries(certs, str(path)), str(path))
        if not read:
            raise SourceError("; ".join(errors) or f"no certificate in files matching {pattern}")
        for error in errors:  # partial failure: the target stays up, the file is flagged
            log.warning("certificate file unreadable", extra=fields(target=name, err=error))

    def _endpoint(
        self, name: str, target: CertTarget, address: str, deadline: Deadline, sink: MetricSink
    ) -> None:
        host, port = host_port(address)
        result = probe(
            host,
            port,
            deadline,
            server_name=target.server_name,
            starttls=target.starttls,
            ca_file=target.ca_file,
        )
        series.chain(sink, _summaries(result.chain, "a presented certificate"), address)
        series.endpoint(sink, result)
        if not result.verified:
            log.debug(
                "chain does not verify", extra=fields(target=name, reason=result.verify_error)
            )

    def _windows_store(self, store: str, sink: MetricSink) -> None:
        enum = getattr(ssl, "enum_certificates", None)
        if enum is None:
            raise SourceError("windows_store needs Windows")
        ders = [der for der, encoding, _trust in enum(store) if encoding == "x509_asn"]
        series.chain(sink, _summaries(ders, f"windows:{store}"), f"windows:{store}")


def read_certificate_file(path: Path, password: bytes | None) -> list[bytes]:
    """Read and parse one file (DER certificates); SourceError names the file and why."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from None
    # a large file is read *and parsed* holding one of core.files' few large slots, so
    # that parallel scrapes of many big files do not multiply their copies in memory
    with large_slot(size):
        try:
            # regular files only (a FIFO would hang, /dev/stdout is the exporter's own log)
            data = read_bounded(path, MAX_FILE_BYTES)
        except FileRefused as exc:
            raise SourceError(f"{path}: {exc.strerror}, not a certificate file") from None
        except OSError as exc:
            raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from None
        try:
            return parse_certificates(data, password)
        except NoCertificateError as exc:
            raise SkippedFile(f"{path}: {exc}") from None
        except CertFileError as exc:
            raise SourceError(f"{path}: {exc}") from None


def _expand(pattern: str) -> list[Path]:
    if not _GLOB_CHARS.intersection(pattern):
        return [Path(pattern)]
    paths = sorted(Path(p) for p in glob.glob(pattern) if is_regular_file(p))
    if not paths:
        raise SourceError(f"no file matches {pattern}")
    return paths


def _summaries(ders: list[bytes] | tuple[bytes, ...], where: str) -> list[CertSummary]:
    try:
        return summarize_chain(ders)
    except DERError as exc:
        raise SourceError(f"{where}: does not parse: {exc}") from None
