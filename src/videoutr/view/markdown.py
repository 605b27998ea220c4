"""Markdown reports (report.md) as HTML for the site, their local images copied along.

Raw HTML in the markdown is escaped (markdown-it with `html=False`), so a report cannot inject
scripts into the page; tables are on.

    render_markdown("# Result\\n\\n![acc](accuracy.png)", Path("runs/demo"), site)
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from videoutr.view.site import Site


def render_markdown(text: str, base: Path, site: Site) -> str:
    """HTML of `text`; images given by a path relative to `base` are copied into the site."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    for token in tokens:
        for child in token.children or []:
            if child.type == "image":
                src = str(child.attrGet("src") or "")
                local = base / src
                if src and "://" not in src and local.is_file():
                    child.attrSet("src", site.image(local))
    return md.renderer.render(tokens, md.options, {})
