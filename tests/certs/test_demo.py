"""The demo part: its certificates and endpoints come up, one ends soon, the licence is over."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.runner import Demo

pytestmark = pytest.mark.e2e


def test_demo_part(tmp_path: Path) -> None:
    # the runner sets scrape_timeout 10s per job; Prometheus wants interval >= timeout
    with Demo(
        tmp_path / "demo", parts=["certs"], scrape_interval="10s", with_alertmanager=False
    ) as demo:
        prom = demo.prometheus
        assert prom is not None
        prom.wait_for_targets_up(timeout=60)
        prom.wait_for('cert_up{site="praxis-demo", target="kim-smtp"} == 1', timeout=60)
        assert len(prom.query('cert_up{site="praxis-demo"} == 1')) == 7
        soon = prom.query(
            'cert_not_after_timestamp_seconds{site="praxis-demo", target="kim-smtp",'
            ' position="0"} - time() < 7 * 86400'
        )
        assert soon
        assert prom.query(
            'time() - cert_not_after_timestamp_seconds{target="firewall-licence"} > 80 * 86400'
        )
        assert prom.query('cert_verified{target="firewall-admin"} == 0')
        assert prom.query('cert_verified{target="kim-smtp"} == 1')
        assert "CertExpiringSoon" in demo.summary()
