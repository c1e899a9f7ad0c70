#!/usr/bin/env bash
# Installs the real services the tests and the demo run against (Debian 12, as root).
# Idempotent: packages already present are skipped by apt; the Firebird SYSDBA password is
# preseeded before the first install so the server comes up usable without a prompt.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

FIREBIRD_SYSDBA_PASSWORD="${FIREBIRD_SYSDBA_PASSWORD:-masterkey}"
PACKAGES=(
  firebird3.0-server firebird3.0-utils
  prometheus prometheus-alertmanager
  victoria-metrics
  prometheus-snmp-exporter prometheus-blackbox-exporter
  prometheus-node-exporter prometheus-sql-exporter  # footprint bench peers (bench/footprint_bench.py)
  snmp
  restic borgbackup
  unixodbc tdsodbc
  openssl ca-certificates procps iproute2
  tzdata
  # the Firebird 3.0/4.0/5.0 engines of the firebird-embedded wheels (devkit/fbembedded.py)
  libtommath1 libncurses5
  # praxis-report: headless Chromium renders the PDF (and the tests' PNGs); poppler-utils
  # (pdfinfo, pdftotext) checks them; DejaVu is the report's font
  chromium poppler-utils fonts-dejavu-core
  nut-server nut-client libusb-0.1-4 libnss3-tools
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-system-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "install-system-deps: installing ${missing[*]}"
  apt-get update -qq
  {
    echo "firebird3.0-server shared/firebird/sysdba_password/first_install password ${FIREBIRD_SYSDBA_PASSWORD}"
    echo "firebird3.0-server shared/firebird/sysdba_password/new_password password ${FIREBIRD_SYSDBA_PASSWORD}"
  } | debconf-set-selections
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install-system-deps: all system packages present"

# apcupsd conflicts with nut-client in Debian: its binaries are only unpacked (not installed)
# for the UPS tests (devkit/apcupsd.py; it does the same itself if this directory is missing).
APCUPSD_DIR="${PRAXIS_APCUPSD_DIR:-/var/cache/praxis-exporters/apcupsd}"
if [ ! -x "$APCUPSD_DIR/sbin/apcupsd" ]; then
  mkdir -p "$APCUPSD_DIR"
  (cd "$APCUPSD_DIR" && apt-get download apcupsd >/dev/null 2>&1 && dpkg -x apcupsd_*.deb .)
  echo "install-system-deps: apcupsd unpacked into $APCUPSD_DIR"
fi
