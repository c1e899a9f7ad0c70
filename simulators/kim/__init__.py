"""KIM client module stand-in: the SMTP and POP3 faces of a KIM Clientmodul.

A thin wrapper around `simulators.mail`: same responders (greeting, EHLO/CAPA, TLS or
STARTTLS, never accepting or handing out mail) under the name a practice's KIM module
uses. `KimModule(cert, key).start()` serves both on free loopback ports.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from simulators.mail.responder import MailResponder

HOSTNAME = "kim-clientmodul.praxis.test"


class KimModule:
    """SMTP (for sending) and POP3 (for fetching) of a KIM client module."""

    def __init__(
        self,
        cert_file: Path | str,
        key_file: Path | str,
        smtp_mode: str = "implicit",
        pop3_mode: str = "implicit",
        smtp_port: int = 0,
        pop3_port: int = 0,
    ) -> None:
        self.smtp = MailResponder(
            "smtp", smtp_mode, cert_file, key_file, port=smtp_port, hostname=HOSTNAME
        )
        self.pop3 = MailResponder(
            "pop3", pop3_mode, cert_file, key_file, port=pop3_port, hostname=HOSTNAME
        )

    def start(self) -> KimModule:
        self.smtp.start()
        self.pop3.start()
        return self

    def stop(self) -> None:
        self.smtp.stop()
        self.pop3.stop()

    def __enter__(self) -> KimModule:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
