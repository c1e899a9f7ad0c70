"""A real Firebird 3 server, a test database and a user without RDB$ADMIN."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from devkit import firebird as fb
from exporters.core.config import parse_config
from exporters.core.metrics import MetricSink
from exporters.core.scrape import ScrapeRunner
from exporters.firebird.catalogue import CATALOGUE
from exporters.firebird.collector import FirebirdCollector
from exporters.firebird.config import FirebirdConfig

LIMITED_USER = "PRAXIS_MON"
LIMITED_PASSWORD = "mon-Secret-4711"


@dataclass
class Database:
    server: fb.FirebirdServer
    path: Path
    dsn: str


@pytest.fixture(scope="session")
def fb_server() -> fb.FirebirdServer:
    if not fb.available():
        pytest.skip("Firebird 3 is not installed (scripts/install-system-deps.sh)")
    return fb.ensure_server()


@pytest.fixture(scope="session")
def fb_db(fb_server: fb.FirebirdServer) -> Iterator[Database]:
    directory = fb.database_dir(f"tests-firebird-{os.getpid()}")
    path = directory / "praxis.fdb"
    dsn = fb.create_database(fb_server, path)
    fb.isql(
        fb_server,
        dsn,
        "create table patient_note (id integer not null primary key, note varchar(200));\n"
        "insert into patient_note values (1, 'Mustermann, Erika; KVNR A123456789');\n"
        "commit;\n",
    )
    yield Database(fb_server, path, dsn)
    fb.ensure_server()
    path.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def limited_user(fb_server: fb.FirebirdServer, fb_db: Database) -> Iterator[str]:
    """A plain user with no grants and no RDB$ADMIN (what least privilege gives)."""
    sql = f"create or alter user {LIMITED_USER} password '{LIMITED_PASSWORD}';\ncommit;\n"
    fb.isql(fb_server, fb_db.dsn, sql)
    yield LIMITED_USER
    fb.ensure_server()
    fb.isql(fb_server, fb_db.dsn, f"drop user {LIMITED_USER};\ncommit;\n")


def config_for(targets: str, extra: str = "") -> FirebirdConfig:
    return parse_config(
        f"timeout: 5s\nconnect_timeout: 2s\n{extra}targets:\n{targets}", FirebirdConfig
    )


def target_yaml(name: str, dsn: str, password: str, **keys: str) -> str:
    lines = [f"  {name}:", f"    dsn: {dsn}", f"    password: '{password}'"]
    lines += [f"    {k}: '{v}'" for k, v in keys.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def runner_for() -> Iterator[Callable[[FirebirdConfig], ScrapeRunner]]:
    """A core ScrapeRunner over a FirebirdCollector (closed after the test)."""
    runners: list[ScrapeRunner] = []

    def make(config: FirebirdConfig) -> ScrapeRunner:
        runner = ScrapeRunner("firebird", config, FirebirdCollector(config), catalogue=CATALOGUE)
        runners.append(runner)
        return runner

    yield make
    for runner in runners:
        runner.close()


def scrape(runner: ScrapeRunner, name: str = "db") -> MetricSink:
    return runner.scrape([name])
