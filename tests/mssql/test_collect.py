"""The collector on result sets of the documented shapes: standard and Express editions,
named instances, NULLs, missing permissions, lost connections."""

from __future__ import annotations

from typing import Any

import pyodbc
import pytest

from exporters.core import MetricSink
from exporters.mssql.collector import QueryErrors
from tests.mssql.helpers import NOW_EPOCH, run_collect, target


def value(sink: MetricSink, name: str, **labels: str) -> float | None:
    return sink.sample_value(name, labels)


def test_standard_instance() -> None:
    sink, ran = run_collect(target("expected_compatibility_level: 140"))
    assert "agent_jobs" in ran
    info = sink.samples("mssql_info")[0].labels
    assert info["version"] == "15.0.4375.4"  # the full build, not a float
    assert info["engine_edition"] == "2"
    assert info["instance_name"] == ""
    assert value(sink, "mssql_start_time_seconds") == NOW_EPOCH - 3 * 86400
    assert value(sink, "mssql_database_state", database="M1PRO", state="ONLINE") == 1
    assert value(sink, "mssql_database_state", database="M1PRO", state="SUSPECT") == 0
    assert value(sink, "mssql_database_compatibility_level", database="M1PRO") == 150
    assert value(sink, "mssql_database_expected_compatibility_level", database="M1PRO") == 140
    assert value(sink, "mssql_database_recovery_model", database="M1PRO", model="FULL") == 1
    assert value(sink, "mssql_database_data_size_bytes", database="M1PRO") == 655_360 * 8192
    assert value(sink, "mssql_database_log_size_bytes", database="M1PRO") == 6_400 * 8192
    assert value(sink, "mssql_database_express_limit_ratio", database="M1PRO") is None
    assert value(sink, "mssql_database_log_used_ratio", database="M1PRO") == pytest.approx(0.42)
    assert value(sink, "mssql_database_log_used_ratio", database="_Total") is None
    # backupset times are server-local (UTC+1); the series is UTC
    full = value(sink, "mssql_database_last_backup_timestamp_seconds", database="M1PRO",
                 type="full")  # fmt: skip
    assert full == NOW_EPOCH - 20 * 3600
    log_end = value(sink, "mssql_database_last_backup_timestamp_seconds", database="M1PRO",
                    type="log")  # fmt: skip
    assert log_end == NOW_EPOCH - 25 * 60
    assert value(sink, "mssql_database_last_full_backup_size_bytes", database="M1PRO") == (
        655_360 * 8192 // 2
    )
    assert value(sink, "mssql_database_last_backup_timestamp_seconds", database="tempdb") is None
    assert value(sink, "mssql_backup_full_max_age_seconds") == 26 * 3600
    job = {"job_name": "M1PRO Index-Wartung"}
    assert value(sink, "mssql_agent_job_last_run_outcome", outcome="failed", **job) == 1
    assert value(sink, "mssql_agent_job_last_run_outcome", outcome="succeeded", **job) == 0
    assert value(sink, "mssql_agent_job_last_run_timestamp_seconds", **job) == NOW_EPOCH - 3 * 3600
    assert value(sink, "mssql_agent_job_last_run_duration_seconds",
                 job_name="M1PRO Vollsicherung") == 15 * 60 + 23  # fmt: skip
    never = {"job_name": "Alter Export (deaktiviert)"}
    assert value(sink, "mssql_agent_job_enabled", **never) == 0
    assert all(s.value == 0 for s in sink.samples("mssql_agent_job_last_run_outcome")
               if s.labels["job_name"] == never["job_name"])  # fmt: skip
    assert value(sink, "mssql_agent_job_last_run_timestamp_seconds", **never) is None
    assert value(sink, "mssql_batch_requests_total") == 1_234_567
    assert value(sink, "mssql_deadlocks_total") == 3
    assert len(sink.samples("mssql_deadlocks_total")) == 1  # only the _Total instance
    assert value(sink, "mssql_user_connections") == 23
    assert value(sink, "mssql_blocked_processes") == 0
    assert value(sink, "mssql_page_life_expectancy_seconds") == 4120
    assert len(sink.samples("mssql_page_life_expectancy_seconds")) == 1  # not per NUMA node
    assert value(sink, "mssql_buffer_cache_hit_ratio") == pytest.approx(0.99)
    assert value(sink, "mssql_memory_grants_pending") == 0
    assert value(sink, "mssql_wait_time_seconds_total", wait_type="WRITELOG") == 401.0
    assert value(sink, "mssql_waiting_tasks_total", wait_type="WRITELOG") == 55_000
    stall = {"database": "M1PRO", "file": "M1PRO_LOG", "type": "log"}
    assert value(sink, "mssql_io_stall_write_seconds_total", **stall) == 1.2
    assert value(sink, "mssql_io_read_bytes_total", **stall) == 8_192_000
    for name in ran:
        assert value(sink, "mssql_query_errors_total", query=name) == 0
        assert value(sink, "mssql_query_duration_seconds", query=name) is not None


def test_named_express_instance() -> None:
    sink, ran = run_collect(target(), scenario="express")
    assert "agent_jobs" not in ran  # Express has no SQL Agent: not an error
    assert value(sink, "mssql_query_errors_total", query="agent_jobs") == 0
    assert sink.samples("mssql_agent_job_enabled") == []
    assert sink.samples("mssql_info")[0].labels["instance_name"] == "PRAXIS"
    # counters under MSSQL$PRAXIS: are found like SQLServer: ones
    assert value(sink, "mssql_batch_requests_total") == 1_234_567
    assert value(sink, "mssql_page_life_expectancy_seconds") == 4120
    assert value(sink, "mssql_database_log_used_ratio", database="PRAXIS") == pytest.approx(
        0.93, abs=1e-3
    )
    ratio = value(sink, "mssql_database_express_limit_ratio", database="PRAXIS")
    assert ratio == pytest.approx(1_180_000 * 8192 / 10 / 1024**3)
    assert value(sink, "mssql_database_state", database="ARCHIV", state="RECOVERY_PENDING") == 1
    assert value(sink, "mssql_database_state", database="ARCHIV", state="ONLINE") == 0
    assert value(sink, "mssql_database_expected_compatibility_level", database="PRAXIS") is None


def test_expected_level_per_database_with_default() -> None:
    tgt = target("expected_compatibility_level: {'*': 160, praxis: 130}")
    sink, _ = run_collect(tgt, scenario="express")
    assert value(sink, "mssql_database_expected_compatibility_level", database="PRAXIS") == 130
    assert value(sink, "mssql_database_expected_compatibility_level", database="master") == 160


def test_database_include_and_exclude() -> None:
    tgt = target("databases: {include: ['m*'], exclude: [msdb, model]}")
    sink, _ = run_collect(tgt)
    names = {s.labels["database"] for s in sink.samples("mssql_database_compatibility_level")}
    assert names == {"master", "M1PRO"}
    for metric in ("mssql_database_log_used_ratio", "mssql_io_reads_total",
                   "mssql_database_last_backup_timestamp_seconds",
                   "mssql_database_data_size_bytes"):  # fmt: skip
        assert {s.labels["database"] for s in sink.samples(metric)} <= {"master", "M1PRO"}


def test_nulls_are_left_out_not_zero() -> None:
    def edit(data: dict[str, list[dict[str, Any]]]) -> None:
        data["server"][0].update(engine_edition=None, instance_name=None, product_level=None)
        data["databases"][4].update(compatibility_level=None, state_desc=None)
        data["backups"][0].update(time_zone=127)  # unknown: the current offset is used
        data["backups"][1].update(backup_size=None, backup_finish_date=None)
        data["perf_counters"].append(
            {"object_name": "SQLServer:Buffer Manager", "counter_name": "x",
             "instance_name": None, "cntr_value": None, "cntr_type": None}
        )  # fmt: skip
        data["start_time"][0].update(utc_now=None)
        data["waits"].append({"wait_type": None, "waiting_tasks_count": 1, "wait_time_ms": 1})
        data["agent_jobs"][0].update(run_date=0, run_time=0)

    sink, _ = run_collect(target(), edit=edit)
    assert sink.samples("mssql_info")[0].labels["engine_edition"] == ""
    assert value(sink, "mssql_database_compatibility_level", database="M1PRO") is None
    states = [s for s in sink.samples("mssql_database_state") if s.labels["database"] == "M1PRO"]
    assert states and all(s.value == 0 for s in states)
    assert value(sink, "mssql_start_time_seconds") is None
    first = sink.samples("mssql_database_last_backup_timestamp_seconds")[0]
    assert first.value == NOW_EPOCH - 20 * 3600
    assert value(sink, "mssql_agent_job_last_run_timestamp_seconds",
                 job_name="M1PRO Vollsicherung") is None  # fmt: skip
    # engine edition unknown: no Express ratio guessed, Agent still asked
    assert sink.samples("mssql_database_express_limit_ratio") == []


def permission_denied(obj: str) -> pyodbc.ProgrammingError:
    return pyodbc.ProgrammingError(
        "42000",
        f"[42000] [FreeTDS][SQL Server]The SELECT permission was denied on the object '{obj}', "
        "database 'msdb', schema 'dbo'. (229) (SQLExecDirectW)",
    )


def test_missing_permissions_cost_only_their_groups() -> None:
    errors = QueryErrors()
    failing = {
        "backups": permission_denied("backupset"),
        "agent_jobs": permission_denied("sysjobs"),
        "perf_counters": pyodbc.ProgrammingError("42000", "VIEW SERVER STATE permission denied"),
    }
    for _ in range(2):
        sink, ran = run_collect(target(), failing=failing, errors=errors)
    assert value(sink, "mssql_query_errors_total", query="backups") == 2
    assert value(sink, "mssql_query_errors_total", query="agent_jobs") == 2
    assert value(sink, "mssql_query_errors_total", query="databases") == 0
    assert sink.samples("mssql_database_last_backup_timestamp_seconds") == []
    assert sink.samples("mssql_batch_requests_total") == []
    assert value(sink, "mssql_database_compatibility_level", database="M1PRO") == 150
    assert value(sink, "mssql_wait_time_seconds_total", wait_type="WRITELOG") == 401.0
    assert ran[-1] == "io_stalls"


def test_lost_connection_reports_the_target_down() -> None:
    lost = pyodbc.OperationalError("08S01", "[08S01] Communication link failure")
    with pytest.raises(pyodbc.OperationalError):
        run_collect(target(), failing={"databases": lost})
    with pytest.raises(TimeoutError):
        run_collect(target(), failing={"files": TimeoutError("deadline expired")})
