"""`cryptography` stays out of the process unless a legacy PKCS#12 file needs it, and
decrypting one is done once per file content and password, not on every scrape."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from devkit.pki import write_der, write_pem, write_pkcs12
from exporters.certs import parsing
from exporters.certs.parsing import CertFileError, parse_certificates
from simulators.mail import MailResponder

from .conftest import Pki

REPO = Path(__file__).resolve().parents[2]

SCRAPE = textwrap.dedent(
    """
    import sys
    from exporters.certs.__main__ import SPEC
    from exporters.core.runtime import Runtime

    runtime = Runtime(
        SPEC.prefix, sys.argv[1], SPEC.config_model, SPEC.collector_factory, 0.5,
        SPEC.catalogue,
    )
    runner = runtime.runner
    sink = runner.scrape(runner.target_names())
    for name in runner.target_names():
        print(name, sink.sample_value("cert_up", {"target": name}))
    print("cryptography loaded:", any(m.split(".")[0] == "cryptography" for m in sys.modules))
    runtime.close()
    """
)


def scrape_in_subprocess(config: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", SCRAPE, str(config)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_files_and_endpoints_never_import_cryptography(
    pki: Pki, tmp_path: Path, responders: dict[str, MailResponder]
) -> None:
    write_pem(tmp_path / "chain.pem", pki.good, pki.intermediate)
    write_der(tmp_path / "soon.cer", pki.soon)
    config = tmp_path / "certs.yml"
    config.write_text(
        f"""
targets:
  pem: {{file: {tmp_path / "chain.pem"}}}
  der: {{file: {tmp_path / "soon.cer"}}}
  tls: {{address: "{responders["pop3-implicit"].address}", ca_file: {pki.ca_file}}}
  smtp: {{address: "{responders["smtp-starttls"].address}", starttls: smtp}}
  lic: {{expires: 2030-01-01}}
"""
    )
    out = scrape_in_subprocess(config)
    assert sorted(out.splitlines()[:-1]) == ["der 1.0", "lic 1.0", "pem 1.0", "smtp 1.0", "tls 1.0"]
    assert out.splitlines()[-1] == "cryptography loaded: False"


def test_only_a_legacy_pkcs12_file_loads_it(pki: Pki, tmp_path: Path) -> None:
    write_pkcs12(tmp_path / "modern.p12", pki.good, [pki.root], password="pw")
    config = tmp_path / "certs.yml"
    config.write_text(f"targets:\n  p12: {{file: {tmp_path / 'modern.p12'}, password: pw}}\n")
    assert scrape_in_subprocess(config).splitlines() == ["p12 1.0", "cryptography loaded: False"]
    legacy = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())  # noqa: S303 (the legacy format under test)
        .build(b"pw")
    )
    blob = pkcs12.serialize_key_and_certificates(b"k", pki.good.key, pki.good.cert, None, legacy)
    (tmp_path / "legacy.p12").write_bytes(blob)
    config.write_text(f"targets:\n  p12: {{file: {tmp_path / 'legacy.p12'}, password: pw}}\n")
    assert scrape_in_subprocess(config).splitlines() == ["p12 1.0", "cryptography loaded: True"]


def test_pkcs12_is_decrypted_once_per_content_and_password(
    pki: Pki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bytes | None] = []
    real = parsing._decrypt_pkcs12

    def counting(data: bytes, password: bytes | None) -> list[bytes]:
        calls.append(password)
        return real(data, password)

    monkeypatch.setattr(parsing, "_decrypt_pkcs12", counting)
    blob = write_pkcs12(tmp_path / "c.p12", pki.good, [pki.root], password="pw").read_bytes()
    for _ in range(3):
        assert parse_certificates(blob, b"pw") == [pki.good.cert_der, pki.root.cert_der]
    assert calls == [b"pw"]
    for _ in range(2):  # a wrong password is remembered too (no PBKDF work per scrape)
        with pytest.raises(CertFileError, match="wrong password"):
            parse_certificates(blob, b"falsch")
    assert calls == [b"pw", b"falsch"]
    # a new file (same password) is decrypted again: the key is the content, not the name
    other = write_pkcs12(tmp_path / "c.p12", pki.soon, password="pw").read_bytes()
    assert parse_certificates(other, b"pw") == [pki.soon.cert_der]
    assert calls == [b"pw", b"falsch", b"pw"]
