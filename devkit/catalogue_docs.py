"""Writes each exporter's metric table into its reference page from its catalogue.

`docs/exporters/<name>.md` holds the table between `<!-- metrics:begin -->` and
`<!-- metrics:end -->`; `python -m devkit.catalogue_docs` rewrites those blocks from
`exporters.<name>.catalogue.CATALOGUE`, and `tests/suite/test_catalogue_docs.py` fails when
a page is out of date, so the docs list exactly what the exporter can write.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import exporters
from exporters.core.catalogue import Catalogue

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "exporters"
BEGIN = "<!-- metrics:begin -->"
END = "<!-- metrics:end -->"


def catalogues() -> dict[str, Catalogue]:
    """Every exporter package that has a `catalogue` module, by package name."""
    found: dict[str, Catalogue] = {}
    for module in pkgutil.iter_modules(exporters.__path__):
        if module.name == "core" or not module.ispkg:
            continue
        try:
            mod = importlib.import_module(f"exporters.{module.name}.catalogue")
        except ModuleNotFoundError as exc:
            if exc.name == f"exporters.{module.name}.catalogue":
                continue
            raise
        found[module.name] = mod.CATALOGUE
    return found


def rendered(page: str, catalogue: Catalogue) -> str:
    """`page` with its metrics block replaced by the catalogue's table."""
    start, end = page.find(BEGIN), page.find(END)
    if start < 0 or end < start:
        raise ValueError(f"no {BEGIN} ... {END} block")
    return page[: start + len(BEGIN)] + "\n" + catalogue.markdown_table() + page[end:]


def main() -> int:
    changed = 0
    for name, catalogue in sorted(catalogues().items()):
        path = DOCS / f"{name}.md"
        page = path.read_text()
        new = rendered(page, catalogue)
        if new != page:
            path.write_text(new)
            changed += 1
            print(f"{path.relative_to(REPO)}: metric table rewritten")
    print(f"{changed} page(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
