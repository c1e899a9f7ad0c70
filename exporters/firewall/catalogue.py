"""Every `firewall_*` metric, declared once (see `exporters.core.catalogue`)."""

from __future__ import annotations

from exporters.core.catalogue import Catalogue, gauge, info, state_set

LICENCE_STATES = ("licensed", "expiring", "expired", "not_licensed", "unknown")
UPDATE_RESULTS = ("success", "not_authorized", "connection_failed", "failed", "unknown")
HA_MODES = ("standalone", "active_passive", "active_active", "unknown")
HA_ROLES = ("primary", "secondary", "standalone", "faulty", "unknown")

INFO = info(
    "firewall_info",
    "Identity of the firewall (value 1); vendor is the module that read it.",
    "vendor",
    "model",
    "firmware",
    "serial",
)
FIRMWARE_AS_EXPECTED = gauge(
    "firewall_firmware_as_expected",
    "1 if the firmware equals the configured expected_firmware, else 0 (only with "
    "expected_firmware).",
)
LICENCE_EXPIRY = gauge(
    "firewall_licence_expiry_timestamp_seconds",
    "When the licence (subscription) of a module ends (Unix time); absent for perpetual "
    "licences and for expiry texts that do not parse.",
    "module",
    "vendor_module",
    unit="seconds",
)
LICENCE_PERPETUAL = gauge(
    "firewall_licence_perpetual",
    "1 if the module's licence never ends (the vendor wrote a far-future sentinel date).",
    "module",
    "vendor_module",
)
LICENCE_STATUS = state_set(
    "firewall_licence_status",
    "Licence status of a module (1 for the current status); expiring = ends within "
    "licence_warning.",
    "status",
    LICENCE_STATES,
    "module",
    "vendor_module",
)
SIGNATURE_UPDATED = gauge(
    "firewall_signature_update_timestamp_seconds",
    "When the signature/pattern engine last updated, as the firewall reports it (Unix time).",
    "engine",
    unit="seconds",
)
SIGNATURE_VERSION = info(
    "firewall_signature_version_info",
    "Current version of a signature/pattern database (value 1).",
    "engine",
    "version",
)
SIGNATURE_CHANGED = gauge(
    "firewall_signature_version_changed_timestamp_seconds",
    "When this exporter first saw the current signature version (Unix time, kept in "
    "state_file across restarts); for firewalls that report only the version.",
    "engine",
    unit="seconds",
)
UPDATE_RESULT = state_set(
    "firewall_signature_update_result",
    "Outcome of the last update attempt as the firewall reports it (1 for the current result).",
    "result",
    UPDATE_RESULTS,
    "engine",
)
HA_MODE = state_set(
    "firewall_ha_mode",
    "High-availability cluster mode (1 for the current mode).",
    "mode",
    HA_MODES,
)
HA_IN_SYNC = gauge(
    "firewall_ha_in_sync",
    "1 if all cluster members report their configuration in sync, else 0 (clusters only).",
)
HA_ROLE = state_set(
    "firewall_ha_role",
    "Role of the scraped cluster member (1 for the current role).",
    "role",
    HA_ROLES,
)
VPN_UP = gauge(
    "firewall_vpn_tunnel_up",
    "1 if the VPN tunnel is up, 0 if down (a configured tunnel the firewall does not list "
    "is down).",
    "tunnel",
)
WAN_UP = gauge(
    "firewall_wan_link_up",
    "1 if the WAN link (gateway / link monitor) is up, 0 if down.",
    "link",
)
UPDATES_AVAILABLE = gauge(
    "firewall_firmware_updates_available",
    "Firmware/package updates the firewall reports as available (OPNsense).",
)
REBOOT_REQUIRED = gauge(
    "firewall_reboot_required",
    "1 if installing the pending update needs a reboot (OPNsense).",
)
API_UP = gauge(
    "firewall_api_up",
    "1 if the REST call to the firewall succeeded in this scrape, else 0 (other sources "
    "are still reported).",
    "endpoint",
)
SNMP_PACKETS = gauge(
    "firewall_snmp_packets_sent",
    "SNMP request packets sent to the firewall in this scrape (incl. retries).",
)

CATALOGUE = Catalogue(
    "firewall",
    [
        INFO,
        FIRMWARE_AS_EXPECTED,
        LICENCE_EXPIRY,
        LICENCE_PERPETUAL,
        LICENCE_STATUS,
        SIGNATURE_UPDATED,
        SIGNATURE_VERSION,
        SIGNATURE_CHANGED,
        UPDATE_RESULT,
        HA_MODE,
        HA_IN_SYNC,
        HA_ROLE,
        VPN_UP,
        WAN_UP,
        UPDATES_AVAILABLE,
        REBOOT_REQUIRED,
        API_UP,
        SNMP_PACKETS,
    ],
)
