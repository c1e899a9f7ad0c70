"""Each exporter's reference page lists exactly the metrics its catalogue declares."""

from __future__ import annotations

import pytest

from devkit.catalogue_docs import DOCS, catalogues, rendered

CATALOGUES = catalogues()


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_metric_table_matches_the_catalogue(name: str) -> None:
    page = (DOCS / f"{name}.md").read_text()
    assert page == rendered(page, CATALOGUES[name]), (
        f"docs/exporters/{name}.md is out of date: run python -m devkit.catalogue_docs"
    )


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_every_declared_metric_is_on_the_page(name: str) -> None:
    page = (DOCS / f"{name}.md").read_text()
    missing = [d.name for d in CATALOGUES[name].own() if f"`{d.name}`" not in page]
    assert not missing, f"undocumented in docs/exporters/{name}.md: {missing}"
