"""Loopback SMTP, POP3 and IMAP responders with STARTTLS or implicit TLS (never accept mail).

Stand-ins for KIM modules and practice mail servers in tests and the demo: they greet,
list capabilities, upgrade to TLS with a given certificate and refuse everything else.
"""

from simulators.mail.responder import MODES, PROTOCOLS, MailResponder

__all__ = ["MODES", "PROTOCOLS", "MailResponder"]
