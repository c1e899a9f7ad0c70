"""The exporter-toolkit `web-config.yml` format (TLS, client certificates, basic auth).

A file that node_exporter accepts is accepted here unchanged; see docs/web-config.md for
what each key does and where Python's TLS stack differs from Go's.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ClassVar

from exporters.core.config import ConfigError, format_validation_error, parse_yaml
from exporters.core.durations import Duration
from exporters.core.files import check_regular, read_text_bounded
from exporters.core.model import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    ValidationError,
    field_validator,
    model_validator,
)

CLIENT_AUTH_TYPES = (
    "NoClientCert",
    "RequestClientCert",
    "RequireAnyClientCert",
    "VerifyClientCertIfGiven",
    "RequireAndVerifyClientCert",
)
if TYPE_CHECKING:
    import ssl

# ssl is imported only when TLS is configured (build_ssl_context): names of ssl.TLSVersion
TLS_VERSIONS = {"TLS10": "TLSv1", "TLS11": "TLSv1_1", "TLS12": "TLSv1_2", "TLS13": "TLSv1_3"}
# Go's names of the TLS 1.2 suites crypto/tls offers, mapped to OpenSSL's names.
GO_CIPHER_SUITES = {
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": "ECDHE-ECDSA-AES128-GCM-SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": "ECDHE-RSA-AES128-GCM-SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": "ECDHE-ECDSA-AES256-GCM-SHA384",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": "ECDHE-RSA-AES256-GCM-SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305": "ECDHE-ECDSA-CHACHA20-POLY1305",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-ECDSA-CHACHA20-POLY1305",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305": "ECDHE-RSA-CHACHA20-POLY1305",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-RSA-CHACHA20-POLY1305",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": "ECDHE-ECDSA-AES128-SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": "ECDHE-RSA-AES128-SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": "ECDHE-ECDSA-AES256-SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": "ECDHE-RSA-AES256-SHA",
    "TLS_RSA_WITH_AES_128_GCM_SHA256": "AES128-GCM-SHA256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384": "AES256-GCM-SHA384",
    "TLS_RSA_WITH_AES_128_CBC_SHA": "AES128-SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA": "AES256-SHA",
}
WEB_CONFIG_LIMIT = 1024 * 1024
PEM_FILE_LIMIT = 4 * 1024 * 1024
CURVES = ("CurveP256", "CurveP384", "CurveP521", "X25519", "X25519MLKEM768")


_BCRYPT = re.compile(r"^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$")


def _check_bcrypt(value: str) -> str:
    if not value.startswith(("$2a$", "$2b$", "$2y$")):
        raise ValueError("not a bcrypt hash ($2a$, $2b$ or $2y$)")
    if not _BCRYPT.match(value):
        # a truncated or mangled hash would lock every user out; refuse it instead
        raise ValueError(
            "not a complete bcrypt hash (60 characters: $2b$<cost 04-31>$<53 characters>)"
        )
    return value


def bcrypt_cost(value: str) -> int:
    """The cost factor of a validated bcrypt hash."""
    return int(value[4:6])


BcryptHash = Annotated[str, AfterValidator(_check_bcrypt)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class TLSServerConfig(_Strict):
    cert_file: str = ""
    key_file: str = ""
    cert: str = ""
    key: str = ""
    client_auth_type: str = "NoClientCert"
    client_ca_file: str = ""
    client_ca: str = ""
    client_allowed_sans: list[str] = []
    min_version: str = "TLS12"
    max_version: str = "TLS13"
    cipher_suites: list[str] = []
    prefer_server_cipher_suites: bool = True
    curve_preferences: list[str] = []

    path_fields: ClassVar[tuple[str, ...]] = ("cert_file", "key_file", "client_ca_file")

    @field_validator("client_auth_type")
    @classmethod
    def _auth_type(cls, value: str) -> str:
        if value not in CLIENT_AUTH_TYPES:
            raise ValueError(f"invalid client_auth_type; use one of {', '.join(CLIENT_AUTH_TYPES)}")
        return value

    @field_validator("min_version", "max_version")
    @classmethod
    def _version(cls, value: str) -> str:
        if value not in TLS_VERSIONS:
            raise ValueError(f"unknown TLS version {value!r}; use one of {', '.join(TLS_VERSIONS)}")
        return value

    @field_validator("cipher_suites")
    @classmethod
    def _ciphers(cls, value: list[str]) -> list[str]:
        unknown = [c for c in value if c not in GO_CIPHER_SUITES]
        if unknown:
            raise ValueError(f"unknown cipher suites: {', '.join(unknown)}")
        return value

    @field_validator("curve_preferences")
    @classmethod
    def _curves(cls, value: list[str]) -> list[str]:
        unknown = [c for c in value if c not in CURVES]
        if unknown:
            raise ValueError(f"unknown curves: {', '.join(unknown)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> TLSServerConfig:
        if not (self.cert_file or self.cert):
            raise ValueError("missing cert_file (or cert)")
        if not (self.key_file or self.key):
            raise ValueError("missing key_file (or key)")
        if self.cert_file and self.cert:
            raise ValueError("give either cert_file or cert, not both")
        if self.key_file and self.key:
            raise ValueError("give either key_file or key, not both")
        has_ca = bool(self.client_ca_file or self.client_ca)
        if has_ca and self.client_auth_type == "NoClientCert":
            raise ValueError("client CAs have been configured without a client_auth_type")
        if (
            self.client_auth_type in ("VerifyClientCertIfGiven", "RequireAndVerifyClientCert")
            and not has_ca
        ):
            raise ValueError(f"client_auth_type {self.client_auth_type} needs client_ca_file")
        if list(TLS_VERSIONS).index(self.min_version) > list(TLS_VERSIONS).index(self.max_version):
            raise ValueError("min_version is above max_version")
        return self


_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_HEADER_VALUE = re.compile(r"^[\t\x20-\x7e\x80-\xff]*$")


class HTTPServerConfig(_Strict):
    http2: bool = True
    headers: dict[str, str] = {}

    @field_validator("headers")
    @classmethod
    def _headers(cls, value: dict[str, str]) -> dict[str, str]:
        for name, text in value.items():
            if not _HEADER_NAME.match(name):
                raise ValueError(f"header name {name[:40]!r} is not a valid HTTP token")
            if not _HEADER_VALUE.match(text):
                # CR/LF would split the response (header injection)
                raise ValueError(f"header {name}: the value holds control characters (CR, LF)")
        reserved = {
            "authorization",
            "www-authenticate",
            "content-type",
            "content-length",
            "content-encoding",
            "date",
            "connection",
        }
        for name in value:
            if name.lower() in reserved:
                raise ValueError(f"header {name} cannot be set in http_server_config")
        return value


class RateLimitConfig(_Strict):
    """Token bucket over all requests (exporter-toolkit's `rate_limit`)."""

    interval: Duration = 0.0
    burst: int = 0

    @model_validator(mode="after")
    def _usable(self) -> RateLimitConfig:
        if self.burst < 0:
            raise ValueError("burst must not be negative")
        if self.interval > 0 and self.burst < 1:
            raise ValueError(
                "burst must be at least 1 when interval is set (else every request is refused)"
            )
        return self


class WebConfig(_Strict):
    tls_server_config: TLSServerConfig | None = None
    http_server_config: HTTPServerConfig = HTTPServerConfig()
    basic_auth_users: dict[str, BcryptHash] = {}
    rate_limit: RateLimitConfig = RateLimitConfig()


def load_web_config(path: str) -> WebConfig:
    """Read and validate a web-config file; relative paths resolve against its directory."""
    try:
        text = read_text_bounded(path, WEB_CONFIG_LIMIT)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read web config: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the web config is not UTF-8 text") from None
    raw = parse_yaml(text, path)
    if raw is None:
        # an empty file is what a truncating editor or config tool leaves behind; serving
        # without TLS and auth because of it would fail open
        raise ConfigError(
            f"{path}: the web config is empty; write `{{}}` for a web config without TLS and "
            "auth, or drop --web.config.file"
        )
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping")
    base = Path(path).resolve().parent
    tls = raw.get("tls_server_config")
    if isinstance(tls, dict):
        for key in TLSServerConfig.path_fields:
            value = tls.get(key)
            if isinstance(value, str) and value and not os.path.isabs(value):
                tls[key] = str(base / value)
    try:
        config = WebConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(path, exc)) from None
    if config.tls_server_config is not None:
        build_ssl_context(config.tls_server_config, source=path)  # fail early on bad files
    return config


def build_ssl_context(tls: TLSServerConfig, source: str = "web config") -> ssl.SSLContext:
    """An SSLContext for the server side following the toolkit's semantics."""
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion[TLS_VERSIONS[tls.min_version]]
    ctx.maximum_version = ssl.TLSVersion[TLS_VERSIONS[tls.max_version]]
    if tls.cipher_suites:
        ctx.set_ciphers(":".join(GO_CIPHER_SUITES[c] for c in tls.cipher_suites))
    if tls.prefer_server_cipher_suites:
        ctx.options |= ssl.OP_CIPHER_SERVER_PREFERENCE
    if tls.curve_preferences:
        names = {
            "CurveP256": "prime256v1",
            "CurveP384": "secp384r1",
            "CurveP521": "secp521r1",
            "X25519": "X25519",
        }
        first = next((names[c] for c in tls.curve_preferences if c in names), None)
        if first:
            ctx.set_ecdh_curve(first)
    try:
        with _material(tls.cert_file, tls.cert) as cert, _material(tls.key_file, tls.key) as key:
            check_regular(cert, PEM_FILE_LIMIT)  # a FIFO here would hang start and reloads
            check_regular(key, PEM_FILE_LIMIT)
            ctx.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            f"{source}: tls_server_config: cannot load certificate/key: "
            f"{getattr(exc, 'strerror', None) or exc}"
        ) from None
    mode = tls.client_auth_type
    if mode == "NoClientCert":
        ctx.verify_mode = ssl.CERT_NONE
    else:
        try:
            if tls.client_ca_file:
                ctx.load_verify_locations(
                    cadata=read_text_bounded(tls.client_ca_file, PEM_FILE_LIMIT)
                )
            elif tls.client_ca:
                ctx.load_verify_locations(cadata=tls.client_ca)
        except (OSError, ssl.SSLError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"{source}: tls_server_config.client_ca_file: cannot load: "
                f"{getattr(exc, 'strerror', None) or exc}"
            ) from None
        # Python verifies any certificate it requests; "Request"/"RequireAny" therefore
        # verify too when a CA is given (documented in docs/web-config.md).
        required = mode in ("RequireAnyClientCert", "RequireAndVerifyClientCert")
        ctx.verify_mode = ssl.CERT_REQUIRED if required else ssl.CERT_OPTIONAL
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


class _material:
    """Context manager yielding a file path for PEM given either as a path or inline."""

    def __init__(self, path: str, inline: str) -> None:
        self.path = path
        self.inline = inline
        self._tmp: str | None = None

    def __enter__(self) -> str:
        if self.path:
            return self.path
        import tempfile  # only for inline PEM; ~0.9 MiB that plain configs never need

        fd, self._tmp = tempfile.mkstemp(prefix="praxis-tls-", suffix=".pem")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(self.inline)
        return self._tmp

    def __exit__(self, *exc: object) -> None:
        if self._tmp:
            os.unlink(self._tmp)


def files_of(config: WebConfig) -> list[str]:
    """Files whose change should make the server reload the web config."""
    tls = config.tls_server_config
    if tls is None:
        return []
    return [f for f in (tls.cert_file, tls.key_file, tls.client_ca_file) if f]
