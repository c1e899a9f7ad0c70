"""The backup exporter's collector: dispatch by target kind, thin I/O, pure reductions."""

from __future__ import annotations

import threading
import time

from exporters.backup import files, gbak, repositories
from exporters.backup.cache import TTLCache
from exporters.backup.command import run
from exporters.backup.config import (
    BackupConfig,
    BorgTarget,
    FilesTarget,
    GbakLogTarget,
    PushTarget,
    ResticTarget,
    VeeamTarget,
)
from exporters.backup.push import STATS, StateStore
from exporters.backup.status import BackupStatus, emit
from exporters.backup.veeam import RESULTS, STATUSES, VeeamClient, job_status, select
from exporters.core import Deadline, MetricSink, TargetBase
from exporters.core.files import read_tail

CHECK_TIMEOUT = 6 * 3600.0
_CHECKS = repositories.BackgroundCheck()
"""Process-wide, so a config reload does not restart a check that is still running."""

REFRESH_HELP = (
    "restic/borg/veeam: listing results are cached for the target's refresh_interval "
    "(default 5m restic/borg, 1m veeam), exported here."
)


class BackupCollector:
    def __init__(self, config: BackupConfig) -> None:
        self.config = config
        self.cache = TTLCache()
        self.store = StateStore(config.push.state_dir)
        self.store.remove_stale_temp_files()
        self._veeam: dict[str, VeeamClient] = {}
        self._veeam_lock = threading.Lock()
        self._veeam_success: dict[tuple[str, str], float] = {}

    # -- dispatch -------------------------------------------------------------------------

    def collect_target(
        self, name: str, target: TargetBase, deadline: Deadline, sink: MetricSink
    ) -> None:
        if isinstance(target, FilesTarget):
            self._files(target, deadline, sink)
        elif isinstance(target, GbakLogTarget):
            self._gbak(target, sink)
        elif isinstance(target, ResticTarget | BorgTarget):
            self._repository(name, target, deadline, sink)
        elif isinstance(target, VeeamTarget):
            self._veeam_target(name, target, deadline, sink)
        elif isinstance(target, PushTarget):
            self._push(name, target, sink)
        else:  # pragma: no cover - the config model only allows the kinds above
            raise TypeError(f"unsupported target kind {type(target).__name__}")

    def collect_global(self, sink: MetricSink) -> None:
        sink.declare(
            "backup_push_requests_total", "counter", "Push requests since start, by HTTP code."
        )
        for code, count in sorted(STATS.snapshot().items()):
            sink.counter(
                "backup_push_requests_total",
                "Push requests since start, by HTTP code.",
                count,
                {"code": code},
            )

    def close(self) -> None:
        with self._veeam_lock:
            for client in self._veeam.values():
                client.close()
            self._veeam.clear()

    # -- kinds ----------------------------------------------------------------------------

    def _files(self, target: FilesTarget, deadline: Deadline, sink: MetricSink) -> None:
        result = files.summarize(files.scan(target.path, deadline), target.min_size_bytes)
        emit(sink, result.status, target.max_age)
        sink.gauge("backup_files", "Files matching the target's path glob.", result.matching)
        sink.gauge(
            "backup_files_valid",
            "Matching files of at least min_size_bytes.",
            result.valid,
        )

    def _gbak(self, target: GbakLogTarget, sink: MetricSink) -> None:
        # only the tail, of a regular file: /dev/zero or a FIFO must not hang or fill memory
        data, st = read_tail(target.path, gbak.TAIL_BYTES)
        mtime = st.st_mtime
        text = data.decode("utf-8", errors="replace")
        verdict = gbak.parse_log(text)
        emit(sink, gbak.status_from(verdict, mtime), target.max_age)
        sink.gauge("backup_log_errors", "`gbak: ERROR` lines in the last gbak log.", verdict.errors)

    def _repository(
        self,
        name: str,
        target: ResticTarget | BorgTarget,
        deadline: Deadline,
        sink: MetricSink,
    ) -> None:
        fetch = (
            repositories.fetch_restic
            if isinstance(target, ResticTarget)
            else repositories.fetch_borg
        )
        state = self.cache.get(
            f"{name}:{target.type}:{target.repository}",
            target.refresh_interval,
            lambda: fetch(target, deadline),  # type: ignore[arg-type]
        )
        emit(sink, repositories.status_of(state), target.max_age)
        sink.gauge(
            "backup_repository_snapshots",
            "Snapshots (restic) or archives (borg) in the repository. " + REFRESH_HELP,
            state.snapshots,
        )
        locked, age, stale = repositories.lock_summary(
            state.locks, time.time(), target.stale_lock_after
        )
        sink.gauge(
            "backup_repository_locked",
            "1 if the repository holds a lock (absent when unknown, e.g. remote borg).",
            locked,
        )
        sink.gauge(
            "backup_repository_lock_age_seconds",
            "Age of the oldest lock (restic refreshes live locks every 5m).",
            age,
        )
        sink.gauge(
            "backup_repository_lock_stale",
            "1 if the oldest lock is older than the target's stale_lock_after.",
            stale,
        )
        sink.gauge("backup_refresh_interval_seconds", REFRESH_HELP, target.refresh_interval)
        sink.gauge(
            "backup_source_fetch_timestamp_seconds",
            "When the (cached) listing of the source was fetched.",
            state.fetched_at,
        )
        if isinstance(target, ResticTarget) and target.check_interval is not None:
            self._restic_check(name, target, sink)

    def _restic_check(self, name: str, target: ResticTarget, sink: MetricSink) -> None:
        argv, env = repositories.restic_check_command(target)
        assert target.check_interval is not None

        def check() -> None:
            run(argv, env, CHECK_TIMEOUT)

        result = _CHECKS.poll(f"{name}:{target.repository}", target.check_interval, check)
        help_interval = (
            "runs in the background every check_interval (see backup_check_interval_seconds)"
        )
        sink.gauge(
            "backup_check_success",
            f"1 if the last repository check passed; {help_interval}.",
            None if result is None else int(result.success),
        )
        sink.gauge(
            "backup_check_timestamp_seconds",
            f"When the last repository check finished; {help_interval}.",
            None if result is None else result.finished_at,
        )
        sink.gauge(
            "backup_check_duration_seconds",
            "How long the last repository check took.",
            None if result is None else result.duration,
        )
        sink.gauge(
            "backup_check_interval_seconds",
            "Configured check_interval of the target.",
            target.check_interval,
        )

    def _veeam_target(
        self, name: str, target: VeeamTarget, deadline: Deadline, sink: MetricSink
    ) -> None:
        with self._veeam_lock:
            client = self._veeam.setdefault(name, VeeamClient(target))
        jobs = self.cache.get(
            f"{name}:veeam", target.refresh_interval, lambda: client.job_states(deadline)
        )
        sink.gauge("backup_refresh_interval_seconds", REFRESH_HELP, target.refresh_interval)
        for job in select(jobs, target.jobs):
            key = (name, job.name)
            status = job_status(job, self._veeam_success.get(key))
            if status.last_success is not None:
                self._veeam_success[key] = status.last_success
            labels = {"job_name": job.name}
            emit(sink, status, target.max_age, labels)
            sink.gauge(
                "backup_next_run_timestamp_seconds",
                "When the job is scheduled to run next (where the source knows).",
                job.next_run,
                labels,
            )
            sink.state_set(
                "backup_veeam_job_last_result",
                "Last result of the Veeam job as reported by jobs/states.",
                "result",
                RESULTS,
                job.last_result,
                labels,
            )
            sink.state_set(
                "backup_veeam_job_status",
                "Current status of the Veeam job.",
                "status",
                STATUSES,
                job.status,
                labels,
            )
            sink.info("backup_veeam_job_info", "Veeam job type.", {**labels, "type": job.type})

    def _push(self, name: str, target: PushTarget, sink: MetricSink) -> None:
        state = self.store.load(name)  # a corrupt state file raises: backup_up 0
        emit(sink, state.status() if state else BackupStatus(), target.max_age)
        if state is not None:
            sink.counter(
                "backup_push_runs_total", "Pushed runs recorded for this target.", state.runs
            )
            sink.counter(
                "backup_push_failures_total",
                "Pushed runs that reported failure.",
                state.failures,
            )
