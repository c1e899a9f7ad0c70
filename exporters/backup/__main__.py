"""`praxis-backup-exporter` / `python -m exporters.backup`."""

from exporters.backup.catalogue import CATALOGUE
from exporters.backup.collector import BackupCollector
from exporters.backup.config import BackupConfig
from exporters.backup.push import ROUTE
from exporters.core import ExporterSpec
from exporters.core.app import main_for

SPEC = ExporterSpec(
    name="backup",
    prefix="backup",
    default_port=10612,
    config_model=BackupConfig,
    collector_factory=BackupCollector,
    description="Backup jobs (files, gbak logs, restic, borg, Veeam, pushed results).",
    routes=(ROUTE,),
    catalogue=CATALOGUE,
)
main = main_for(SPEC)

if __name__ == "__main__":
    main()
