"""A faithful stand-in for a TI connector (Konnektor): connector.sds and SOAP operations.

Every document it sends validates against the gematik schemas copied into `schemas/`.
"""
