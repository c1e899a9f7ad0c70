"""docs/deployment.md: every relative link points to a file (and heading) that exists."""

from __future__ import annotations

import re

from devkit.prometheus import REPO

DOC = REPO / "docs" / "deployment.md"


def anchors(text: str) -> set[str]:
    """GitHub-style anchors of the headings of a Markdown text."""
    out = set()
    for heading in re.findall(r"^#+ (.+)$", text, flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        out.add(slug)
    return out


def test_relative_links_resolve() -> None:
    text = DOC.read_text()
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    assert links
    for link in links:
        if link.startswith(("http://", "https://")):
            continue
        path, _, anchor = link.partition("#")
        target = (DOC.parent / path) if path else DOC
        assert target.exists(), link
        if anchor:
            assert anchor in anchors(target.read_text()), link
