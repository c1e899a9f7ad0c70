"""TI connector exporter: connector state, VPN, terminals, cards, PINs, KIM, TI-Lage."""
