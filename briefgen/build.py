"""The build pipeline: load → validate → render → write.

``check`` is loading and validation; ``build`` adds rendering and the atomic
write; ``serve`` calls ``build`` again on every change."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from . import search
from .config import load_config
from .diagnostics import ContentError, Diagnostic, Diagnostics, UsageError
from .load import load_brief, load_entity
from .markdown import RenderEnv, make_markdown, render, render_inline
from .model import Brief, Entity
from .output import check_output_dir, write_site
from .render import Page, render_page, site_context, site_pages
from .resolve import Site, resolve_site
from .sources import find_content, read_text
from .theme import load_theme
from .views import Views


@dataclass
class BuildOptions:
    site_dir: Path
    out_dir: Path | None = None
    drafts: bool = False
    strict: bool = False
    base_url: str | None = None
    jobs: int | None = None
    progress: bool = True


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic]
    out_dir: Path
    pages_written: int = 0
    pages_unchanged: int = 0
    seconds: float = 0.0
    changed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        warnings = sum(d.severity == "warning" for d in self.diagnostics)
        text = (f"Built {self.out_dir}: {self.pages_written} files written, {self.pages_unchanged} unchanged, "
                f"in {self.seconds:.2f} s")
        return text + (f"; {warnings} warning(s)" if warnings else "")


def _site_dir(path: Path) -> Path:
    if not path.exists():
        raise UsageError(f"site folder {path} does not exist")
    if not path.is_dir():
        raise UsageError(f"{path} is not a folder")
    return path


def load_site(site_dir: Path, diagnostics: Diagnostics, *, drafts: bool = False,
              base_url: str | None = None) -> Site:
    """Read, parse, resolve and render the Markdown of every file; problems go to ``diagnostics``."""
    config = load_config(site_dir, diagnostics)
    if base_url is not None:
        from dataclasses import replace

        if not base_url.startswith(("http://", "https://")):
            raise UsageError(f"--base-url must start with http:// or https://, not {base_url!r}")
        config = replace(config, base_url=base_url if base_url.endswith("/") else base_url + "/")
    briefs: list[Brief] = []
    entities: list[Entity] = []
    for source in find_content(site_dir, list(config.entity_kinds), diagnostics):
        text = read_text(source.path, source.rel, diagnostics, config.max_file_size)
        if text is None:
            continue
        if source.kind == "briefs":
            brief = load_brief(source.rel, text, config, diagnostics)
            if brief is not None and (drafts or not brief.draft):
                briefs.append(brief)
        else:
            entity = load_entity(source.rel, source.kind, text, config, diagnostics)
            if entity is not None:
                entities.append(entity)
    site = resolve_site(config, briefs, entities, diagnostics)
    render_bodies(site, diagnostics)
    return site


def render_bodies(site: Site, diagnostics: Diagnostics) -> None:
    """Markdown of briefs, entity pages and claim notes to HTML; unresolved ``[[links]]`` are reported."""
    md = make_markdown(html=site.config.markdown_html)
    for brief in site.briefs:
        env = RenderEnv(site.link_target, site.mentions_for(brief), brief.body_line)
        brief.html = render(md, brief.body, env)
        _report(env, brief.path, diagnostics)
        for claim in brief.claims:
            if claim.note:
                at = claim.note_pos or claim.pos
                env = RenderEnv(site.link_target, first_line=at.line, first_col=at.col)
                claim.note_html = render_inline(md, claim.note, env)
                _report(env, brief.path, diagnostics)
    for entity in site.entities.values():
        if entity.body.strip():
            env = RenderEnv(site.link_target, first_line=entity.body_line)
            entity.html = render(md, entity.body, env)
            _report(env, entity.path, diagnostics)


def _report(env: RenderEnv, path: str, diagnostics: Diagnostics) -> None:
    for p in env.problems:
        diagnostics.warning(path, p.line, p.col, f"link [[{p.target}]] points to no entity or brief",
                            "use an entity id, name or alias, or a brief's slug")


def check(site_dir: Path, strict: bool = False, drafts: bool = False) -> list[Diagnostic]:
    """Load and validate; return every problem, sorted. Writes nothing."""
    diagnostics = Diagnostics()
    load_site(_site_dir(site_dir), diagnostics, drafts=drafts)
    return diagnostics.sorted()


def output_dir(site_dir: Path, configured: str, out: Path | None) -> Path:
    if out is not None:
        return out
    path = Path(configured)
    return path if path.is_absolute() else site_dir / path


def build(options: BuildOptions) -> BuildResult:
    """Build the site; raise :class:`ContentError` (nothing written) when loading fails."""
    start = time.perf_counter()
    site_dir = _site_dir(options.site_dir)
    diagnostics = Diagnostics()
    site = load_site(site_dir, diagnostics, drafts=options.drafts, base_url=options.base_url)
    if diagnostics.failed(options.strict):
        raise ContentError(diagnostics.sorted())
    out = output_dir(site_dir, site.config.output_dir, options.out_dir)
    check_output_dir(site_dir, out)
    theme = load_theme(site_dir, site.config.theme)
    files = render_site(site, theme)
    count = write_site(out, files, theme.static_dirs)
    return BuildResult(diagnostics.sorted(), out, pages_written=count, seconds=time.perf_counter() - start)


def render_site(site: Site, theme) -> list[tuple[str, bytes]]:
    """Every output file as (relative path, bytes), in a stable order."""
    env = theme.environment()
    site_view = site_context(site)
    views = Views(site)
    files: list[tuple[str, bytes]] = []
    html_urls: list[str] = []
    for page in site_pages(site, views):
        files.append((page.path, render_page(env, page, site_view, site.config)))
        if page.path.endswith(".html") and page.path != "404.html":
            html_urls.append(page.url)
    for name, context in (("sitemap.xml", {"urls": html_urls}), ("robots.txt", {})):
        page = Page(name, name, name, context=context)
        files.append((name, render_page(env, page, site_view, site.config)))
    files.append((".nojekyll", b""))
    files += search.index_files(site, views)
    return files
