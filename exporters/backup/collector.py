"""The backup exporter's collector: dispatch by target kind, thin I/O, pure reductions."""

from __future__ import annotations

import threading
import time

from exporters.backup import files, gbak, repositories, series
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
from exporters.backup.status import BackupStatus
from exporters.backup.veeam import VeeamClient, job_status, select
from exporters.core import Deadline, MetricSink, TargetBase
from exporters.core.files import read_tail

CHECK_TIMEOUT = 6 * 3600.0
_CHECKS = repositories.BackgroundCheck()
"""Process-wide, so a config reload does not restart a check that is still running."""


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
        series.push_requests(sink, STATS.snapshot())

    def close(self) -> None:
        with self._veeam_lock:
            for client in self._veeam.values():
                client.close()
            self._veeam.clear()

    # -- kinds ----------------------------------------------------------------------------

    def _files(self, target: FilesTarget, deadline: Deadline, sink: MetricSink) -> None:
        result = files.summarize(files.scan(target.path, deadline), target.min_size_bytes)
        series.status(sink, result.status, target.max_age)
        series.files(sink, result.matching, result.valid)

    def _gbak(self, target: GbakLogTarget, sink: MetricSink) -> None:
        # only the tail, of a regular file: /dev/zero or a FIFO must not hang or fill memory
        data, st = read_tail(target.path, gbak.TAIL_BYTES)
        text = data.decode("utf-8", errors="replace")
        verdict = gbak.parse_log(text)
        series.status(sink, gbak.status_from(verdict, st.st_mtime), target.max_age)
        series.gbak_log(sink, verdict.errors)

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
        series.status(sink, repositories.status_of(state), target.max_age)
        lock = repositories.lock_summary(state.locks, time.time(), target.stale_lock_after)
        series.repository(sink, state.snapshots, lock, target.refresh_interval, state.fetched_at)
        if isinstance(target, ResticTarget) and target.check_interval is not None:
            self._restic_check(name, target, sink)

    def _restic_check(self, name: str, target: ResticTarget, sink: MetricSink) -> None:
        argv, env = repositories.restic_check_command(target)
        assert target.check_interval is not None

        def check() -> None:
            run(argv, env, CHECK_TIMEOUT)

        result = _CHECKS.poll(f"{name}:{target.repository}", target.check_interval, check)
        series.check(
            sink,
            None if result is None else result.success,
            None if result is None else result.finished_at,
            None if result is None else result.duration,
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
        series.refresh(sink, target.refresh_interval)
        for job in select(jobs, target.jobs):
            key = (name, job.name)
            status = job_status(job, self._veeam_success.get(key))
            if status.last_success is not None:
                self._veeam_success[key] = status.last_success
            series.status(sink, status, target.max_age, job.name)
            series.veeam_job(sink, job.name, job.next_run, job.last_result, job.status, job.type)

    def _push(self, name: str, target: PushTarget, sink: MetricSink) -> None:
        state = self.store.load(name)  # a corrupt state file raises: backup_up 0
        series.status(sink, state.status() if state else BackupStatus(), target.max_age)
        expected = None
        if target.schedule is not None:
            plan, now = target.schedule.plan(), time.time()
            expected = (plan.previous(now), plan.next(now), target.schedule.grace)
        series.push_run(
            sink,
            state is not None and state.running,
            state.started if state else None,
            target.max_duration,
            expected,
        )
        if state is not None:
            series.push(sink, state.runs, state.failures)
