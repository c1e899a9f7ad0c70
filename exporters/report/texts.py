"""Every word of the report and of the command's messages, in German (default) and English,
and how numbers, dates and durations are written in each. Nothing else holds text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from exporters.report.period import BERLIN

DE: dict[str, str] = {
    "title": "IT-Monatsbericht",
    "subtitle": "Praxis {site} · Zeitraum {period}",
    "generated": "Erstellt {generated} · Datenstand {as_of} · Zeiten in Europe/Berlin",
    "s_summary": "1. Zusammenfassung",
    "s_inventory": "2. Bestand, wie die Überwachung ihn sieht",
    "s_availability": "3. Verfügbarkeit und Störungen",
    "s_calendar": "4. Datensicherungs-Kalender",
    "s_expiries": "5. Was in den nächsten 90 Tagen abläuft",
    "s_evidence": "6. Nachweise zur IT-Sicherheitsrichtlinie (§ 390 SGB V)",
    "s_charts": "7. Verläufe",
    "s_missing": "Was dieser Bericht nicht zeigen kann",
    "area_database": "Datenbank",
    "area_backup": "Datensicherung",
    "area_ups": "Stromversorgung (USV)",
    "area_ti": "TI / KIM",
    "area_certs": "Zertifikate & Lizenzen",
    "area_firewall": "Firewall",
    "area_server": "Server",
    "area_monitoring": "Überwachung",
    "short_database": "Datenbank",
    "short_backup": "Sicherung",
    "short_ups": "USV",
    "short_ti": "TI / KIM",
    "short_certs": "Zertifikate",
    "short_firewall": "Firewall",
    "short_server": "Server",
    "light_green": "in Ordnung",
    "light_yellow": "Hinweis",
    "light_red": "Handlungsbedarf",
    "light_grey": "keine Daten",
    "sent_avail": "In Ordnung an {pct} der überwachten Zeit",
    "sent_down": "nicht in Ordnung: {duration}",
    "sent_incidents": "{n} Alarm(e), schwerster: {severity}",
    "sent_no_incidents": "keine Alarme",
    "sent_coverage": "überwacht: {pct} des Zeitraums",
    "sent_end_bad": "am Ende des Zeitraums nicht in Ordnung",
    "sent_expiry": "nächster Ablauf in {days} Tagen",
    "sent_expired": "etwas ist bereits abgelaufen",
    "sent_no_data": "Für diesen Bereich liegen im Zeitraum keine Messwerte vor.",
    "sent_query_failed": "Die Abfrage ist fehlgeschlagen; der Zustand ist unbekannt.",
    "col_area": "Bereich",
    "col_state": "Zustand",
    "col_comment": "Kurz gesagt",
    "col_availability": "Verfügbarkeit",
    "col_downtime": "Ausfallzeit",
    "col_coverage": "Überwacht",
    "col_alerts": "Alarme",
    "col_start": "Beginn",
    "col_end": "Ende",
    "col_duration": "Dauer",
    "col_alert": "Alarm",
    "col_severity": "Schwere",
    "col_hours": "Sprechzeit",
    "col_what": "Was",
    "col_when": "Ablauf",
    "col_days": "Tage",
    "col_kind": "Art",
    "col_requirement": "Anforderung",
    "col_metric": "Messwert",
    "col_period_state": "Zustand im Zeitraum",
    "col_last_seen": "Zuletzt gesehen",
    "yes": "ja",
    "no": "nein",
    "sev_critical": "kritisch",
    "sev_warning": "Warnung",
    "sev_info": "Info",
    "sev_": "–",
    "incident": "Störung {n}",
    "likely_cause": "wahrscheinliche Ursache: {alert}",
    "began_before": "lief schon bei Beginn des Zeitraums",
    "ongoing": "dauert an",
    "no_incidents": "Im Zeitraum hat kein Alarm ausgelöst.",
    "incidents_intro": (
        "Alarme, die innerhalb von {window} nacheinander begannen, sind zu einer Störung "
        "zusammengefasst; der erste ist als wahrscheinliche Ursache genannt. "
        "Sprechzeiten: {hours}."
    ),
    "power_events": "Netzausfälle (USV auf Batterie): {events}",
    "boots": "Neustarts des Servers: {boots}",
    "none": "keine",
    "cal_ok": "erfolgreich",
    "cal_failed": "fehlgeschlagen",
    "cal_none": "keine Sicherung",
    "cal_nodata": "nicht überwacht",
    "no_backups": "Im Zeitraum wurde kein Sicherungsauftrag überwacht.",
    "no_expiries": "In den nächsten 90 Tagen läuft nichts ab, das die Überwachung kennt.",
    "expired": "abgelaufen",
    "kind_cert": "Zertifikat / Lizenz",
    "kind_ti_card": "Karte (TI)",
    "kind_ti_cert": "TI-Zertifikat",
    "kind_ti_connector_cert": "Konnektor-Zertifikat",
    "kind_ti_kim_cert": "KIM-Zertifikat",
    "kind_firewall_licence": "Firewall-Lizenz",
    "evidence_intro": (
        "Für jede technisch prüfbare Anforderung: der Messwert, der sie zeigt, sein Zustand "
        "im Zeitraum und wann er zuletzt gemeldet wurde. Anforderungen, die eine Überwachung "
        "nicht zeigen kann, sind als solche aufgeführt und werden hier nicht bestätigt. Die "
        "Nummerierung der Anforderungen unterscheidet sich zwischen den Fassungen der "
        "Richtlinie; maßgeblich ist die für die Praxis geltende Fassung."
    ),
    "req_backup": "Regelmäßige Datensicherung",
    "req_backup_integrity": "Prüfung der Sicherungen auf Lesbarkeit",
    "req_antivirus": "Aktueller Virenschutz (Signaturen, Echtzeitschutz)",
    "req_firewall": "Firewall in Betrieb, Lizenz gültig",
    "req_updates": "Updates zeitnah (Server, Konnektor, Firewall)",
    "req_ti": "Betrieb der TI-Komponenten (Konnektor, VPN, KIM)",
    "req_tls": "Verschlüsselte Verbindungen mit gültigen Zertifikaten",
    "req_restore_test": "Rücksicherung erprobt",
    "req_network_plan": "Netzplan / Dokumentation der IT",
    "req_awareness": "Sensibilisierung und Schulung der Mitarbeitenden",
    "req_access": "Zugangs- und Passwortregeln, Berechtigungen",
    "req_mobile": "Mobile Geräte, Apps und Datenträger",
    "req_disposal": "Sichere Entsorgung und Löschung",
    "ev_ok": "erfüllt in {pct} der überwachten Zeit (überwacht: {cov})",
    "ev_failures": "nicht erfüllt während {duration}; erfüllt in {pct} (überwacht: {cov})",
    "ev_nodata": "keine Daten – nicht nachweisbar",
    "ev_not_checkable": "durch Überwachung nicht prüfbar – nicht bestätigt",
    "inv_ti": "TI",
    "inv_ups": "USV",
    "inv_database": "Datenbank",
    "inv_backup": "Datensicherung",
    "inv_certs": "Zertifikate & Lizenzen",
    "inv_firewall": "Firewall",
    "inv_server": "Server",
    "item_connector": "Konnektor",
    "item_terminal": "Kartenterminal",
    "item_terminal_connected": "verbunden",
    "item_card": "Karte",
    "item_card_expiry": "Zertifikat gültig bis",
    "item_ups_model": "Modell",
    "item_serial": "Seriennummer",
    "item_battery_replaced": "Batterie eingesetzt",
    "item_battery_replace_needed": "Batterietausch nötig",
    "item_self_test": "Letzter Selbsttest",
    "item_self_test_result": "Ergebnis Selbsttest",
    "item_firebird": "Firebird",
    "item_mssql": "SQL Server",
    "item_size": "Größe",
    "item_forced_writes": "Forced Writes",
    "item_job": "Auftrag",
    "item_max_age": "höchstens alt",
    "item_last_success": "letzte erfolgreiche Sicherung",
    "item_count": "überwachte Zertifikate und Lizenzen",
    "item_firewall": "Gerät",
    "item_os": "Betriebssystem",
    "not_reported": "vom Gerät nicht gemeldet",
    "no_inventory": "Die Überwachung hat im Zeitraum keine Bestandsdaten gemeldet.",
    "chart_availability": "Zustand je Bereich (grün in Ordnung, rot nicht, grau ohne Daten)",
    "chart_backup_age": "Alter der neuesten erfolgreichen Sicherung",
    "chart_ups": "USV: Batterieladung und Netzausfälle (rot)",
    "chart_db_size": "Größe der Datenbank",
    "days_unit": "Tage",
    "p_no_data": (
        "Für die Praxis „{subject}“ liegen im Zeitraum keine Messwerte vor: sie ist nicht "
        "(oder unter anderem Namen) an die Überwachung angeschlossen. Dieser Bericht enthält "
        "deshalb keine Aussagen."
    ),
    "p_query_failed": "Abfrage „{subject}“ fehlgeschlagen ({detail}); betroffene Teile fehlen.",
    "p_period_cut": "Der Zeitraum ist noch nicht abgeschlossen.",
    "p_no_alerts": (
        "Diese Datenquelle enthält keine ALERTS-Reihen (die Alarmregeln werden anderswo "
        "ausgewertet): Störungen und Alarme können hier nicht gezeigt werden."
    ),
    "p_area_no_data": "{subject}: keine Messwerte im Zeitraum.",
    "p_area_partial": "{subject}: Messwerte nur für {pct} des Zeitraums ({first} bis {last}).",
    "section_failed": "Dieser Teil fehlt: die Abfrage „{query}“ ist fehlgeschlagen.",
    "footer": (
        "Erzeugt von praxis-report aus den Messwerten der praxis-exporters. {queries} Abfragen."
    ),
    "index_title": "IT-Monatsberichte {period}",
    "index_site": "Praxis",
    "index_report": "Bericht",
    "index_failed": "kein Bericht: {error}",
    "index_incomplete": "unvollständig",
    "msg_written": "geschrieben: {path}",
    "msg_no_chromium": (
        "Chromium nicht gefunden ({binary}): nur HTML geschrieben. PDF: Debian-Paket "
        "„chromium“ installieren oder --chromium angeben."
    ),
    "msg_pdf_failed": "PDF nicht erzeugt: {error}",
}

EN: dict[str, str] = {
    "title": "Monthly IT report",
    "subtitle": "Practice {site} · period {period}",
    "generated": "Generated {generated} · data as of {as_of} · times in Europe/Berlin",
    "s_summary": "1. Summary",
    "s_inventory": "2. Inventory as the monitoring sees it",
    "s_availability": "3. Availability and incidents",
    "s_calendar": "4. Backup calendar",
    "s_expiries": "5. What expires in the next 90 days",
    "s_evidence": "6. Evidence for the IT security directive (§ 390 SGB V)",
    "s_charts": "7. Charts",
    "s_missing": "What this report cannot show",
    "area_database": "Database",
    "area_backup": "Backup",
    "area_ups": "Power (UPS)",
    "area_ti": "TI / KIM",
    "area_certs": "Certificates & licences",
    "area_firewall": "Firewall",
    "area_server": "Server",
    "area_monitoring": "Monitoring",
    "short_database": "Database",
    "short_backup": "Backup",
    "short_ups": "UPS",
    "short_ti": "TI / KIM",
    "short_certs": "Certificates",
    "short_firewall": "Firewall",
    "short_server": "Server",
    "light_green": "fine",
    "light_yellow": "note",
    "light_red": "action needed",
    "light_grey": "no data",
    "sent_avail": "Fine for {pct} of the monitored time",
    "sent_down": "not fine for {duration}",
    "sent_incidents": "{n} alert(s), worst: {severity}",
    "sent_no_incidents": "no alerts",
    "sent_coverage": "monitored: {pct} of the period",
    "sent_end_bad": "not fine at the end of the period",
    "sent_expiry": "next expiry in {days} days",
    "sent_expired": "something has already expired",
    "sent_no_data": "There are no measurements for this area in the period.",
    "sent_query_failed": "The query failed; the state is unknown.",
    "col_area": "Area",
    "col_state": "State",
    "col_comment": "In short",
    "col_availability": "Availability",
    "col_downtime": "Downtime",
    "col_coverage": "Monitored",
    "col_alerts": "Alerts",
    "col_start": "Start",
    "col_end": "End",
    "col_duration": "Duration",
    "col_alert": "Alert",
    "col_severity": "Severity",
    "col_hours": "Practice hours",
    "col_what": "What",
    "col_when": "Expires",
    "col_days": "Days",
    "col_kind": "Kind",
    "col_requirement": "Requirement",
    "col_metric": "Metric",
    "col_period_state": "State over the period",
    "col_last_seen": "Last seen",
    "yes": "yes",
    "no": "no",
    "sev_critical": "critical",
    "sev_warning": "warning",
    "sev_info": "info",
    "sev_": "–",
    "incident": "Incident {n}",
    "likely_cause": "likely cause: {alert}",
    "began_before": "already firing when the period began",
    "ongoing": "ongoing",
    "no_incidents": "No alert fired in the period.",
    "incidents_intro": (
        "Alerts that started within {window} of each other are grouped as one incident; "
        "the first is named as the likely cause. Practice hours: {hours}."
    ),
    "power_events": "Power cuts (UPS on battery): {events}",
    "boots": "Server restarts: {boots}",
    "none": "none",
    "cal_ok": "succeeded",
    "cal_failed": "failed",
    "cal_none": "no backup",
    "cal_nodata": "not monitored",
    "no_backups": "No backup job was monitored in the period.",
    "no_expiries": "Nothing the monitoring knows of expires in the next 90 days.",
    "expired": "expired",
    "kind_cert": "Certificate / licence",
    "kind_ti_card": "Card (TI)",
    "kind_ti_cert": "TI certificate",
    "kind_ti_connector_cert": "Connector certificate",
    "kind_ti_kim_cert": "KIM certificate",
    "kind_firewall_licence": "Firewall licence",
    "evidence_intro": (
        "For each technically checkable requirement: the metric that shows it, its state over "
        "the period and when it was last reported. Requirements that monitoring cannot show "
        "are listed as such and are not confirmed here. The numbering of the requirements "
        "differs between versions of the directive; the version in force for the practice "
        "applies."
    ),
    "req_backup": "Regular backups",
    "req_backup_integrity": "Backups checked for readability",
    "req_antivirus": "Up-to-date virus protection (signatures, real-time)",
    "req_firewall": "Firewall in operation, licence valid",
    "req_updates": "Timely updates (server, connector, firewall)",
    "req_ti": "Operation of the TI components (connector, VPN, KIM)",
    "req_tls": "Encrypted connections with valid certificates",
    "req_restore_test": "Restore tested",
    "req_network_plan": "Network plan / IT documentation",
    "req_awareness": "Staff awareness and training",
    "req_access": "Access and password rules, permissions",
    "req_mobile": "Mobile devices, apps and storage media",
    "req_disposal": "Secure disposal and deletion",
    "ev_ok": "met for {pct} of the monitored time (monitored: {cov})",
    "ev_failures": "not met for {duration}; met for {pct} (monitored: {cov})",
    "ev_nodata": "no data – cannot be shown",
    "ev_not_checkable": "not checkable by monitoring – not confirmed",
    "inv_ti": "TI",
    "inv_ups": "UPS",
    "inv_database": "Database",
    "inv_backup": "Backup",
    "inv_certs": "Certificates & licences",
    "inv_firewall": "Firewall",
    "inv_server": "Server",
    "item_connector": "Connector",
    "item_terminal": "Card terminal",
    "item_terminal_connected": "connected",
    "item_card": "Card",
    "item_card_expiry": "certificate valid until",
    "item_ups_model": "Model",
    "item_serial": "Serial number",
    "item_battery_replaced": "Battery installed",
    "item_battery_replace_needed": "Battery replacement needed",
    "item_self_test": "Last self-test",
    "item_self_test_result": "Self-test result",
    "item_firebird": "Firebird",
    "item_mssql": "SQL Server",
    "item_size": "Size",
    "item_forced_writes": "Forced writes",
    "item_job": "Job",
    "item_max_age": "max age",
    "item_last_success": "last good backup",
    "item_count": "certificates and licences watched",
    "item_firewall": "Device",
    "item_os": "Operating system",
    "not_reported": "not reported by the device",
    "no_inventory": "The monitoring reported no inventory in the period.",
    "chart_availability": "State per area (green fine, red not, grey no data)",
    "chart_backup_age": "Age of the newest good backup",
    "chart_ups": "UPS: battery charge and power cuts (red)",
    "chart_db_size": "Database size",
    "days_unit": "days",
    "p_no_data": (
        "There are no measurements for the practice “{subject}” in the period: it is not "
        "connected to the monitoring (or under another name). This report therefore states "
        "nothing."
    ),
    "p_query_failed": "Query “{subject}” failed ({detail}); the parts that need it are missing.",
    "p_period_cut": "The period has not ended yet.",
    "p_no_alerts": (
        "This data source holds no ALERTS series (the alert rules are evaluated elsewhere): "
        "incidents and alerts cannot be shown here."
    ),
    "p_area_no_data": "{subject}: no measurements in the period.",
    "p_area_partial": "{subject}: measurements for only {pct} of the period ({first} to {last}).",
    "section_failed": "This part is missing: the query “{query}” failed.",
    "footer": "Generated by praxis-report from the praxis-exporters' metrics. {queries} queries.",
    "index_title": "Monthly IT reports {period}",
    "index_site": "Practice",
    "index_report": "Report",
    "index_failed": "no report: {error}",
    "index_incomplete": "incomplete",
    "msg_written": "written: {path}",
    "msg_no_chromium": (
        "Chromium not found ({binary}): wrote HTML only. For the PDF install the Debian "
        "package “chromium” or pass --chromium."
    ),
    "msg_pdf_failed": "PDF not written: {error}",
}

LANGUAGES = {"de": DE, "en": EN}


@dataclass(frozen=True)
class Texts:
    """Words and formats of one language."""

    lang: str

    def __call__(self, key: str, **values: object) -> str:
        table = LANGUAGES[self.lang]
        return table[key].format(**values) if values else table[key]

    @property
    def german(self) -> bool:
        return self.lang == "de"

    def number(self, value: float, decimals: int = 2) -> str:
        text = f"{value:,.{decimals}f}"
        if self.german:
            text = text.replace(",", "_").replace(".", ",").replace("_", ".")
        return text

    def percent(self, ratio: float | None) -> str:
        if ratio is None:
            return "–"
        if ratio == 1:
            return "100 %"
        # never round 99.996 % up to 100 %
        text = self.number(int(ratio * 10000) / 100, 2)
        return f"{text} %"

    def time(self, ts: float) -> str:
        local = dt.datetime.fromtimestamp(ts, BERLIN)
        return f"{local:%d.%m.%Y %H:%M}" if self.german else f"{local:%Y-%m-%d %H:%M}"

    def short_time(self, ts: float) -> str:
        """Day, month and time (the year is the report's)."""
        local = dt.datetime.fromtimestamp(ts, BERLIN)
        return f"{local:%d.%m. %H:%M}" if self.german else f"{local:%m-%d %H:%M}"

    def date(self, ts: float) -> str:
        local = dt.datetime.fromtimestamp(ts, BERLIN)
        return f"{local:%d.%m.%Y}" if self.german else f"{local:%Y-%m-%d}"

    def duration(self, seconds: float) -> str:
        """Days, hours, minutes without zero parts; seconds only below ten minutes."""
        total = max(0, round(seconds))
        days, rest = divmod(total, 86400)
        hours, rest = divmod(rest, 3600)
        mins, secs = divmod(rest, 60)
        units = ("T.", "Std.", "Min.", "Sek.") if self.german else ("d", "h", "min", "s")
        values = [days, hours, mins, secs if total < 600 else 0]
        parts = [f"{v} {u}" for v, u in zip(values, units, strict=True) if v]
        return " ".join(parts) or f"0 {units[2]}"

    def bytes(self, value: float) -> str:
        units = ["B", "KiB", "MiB", "GiB", "TiB"]
        i = 0
        while value >= 1024 and i < len(units) - 1:
            value /= 1024
            i += 1
        return f"{self.number(value, 0 if i == 0 else 1)} {units[i]}"
