"""The ``briefgen`` command. Each command parses its options and calls the core;
no site logic lives here. Errors under :class:`BriefgenError` become a message
and an exit status (1 content, 2 usage), never a traceback."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .diagnostics import BriefgenError, ContentError, UsageError, format_all, one_line, shell_word


class _Parser(argparse.ArgumentParser):
    """argparse that raises :class:`UsageError` instead of exiting, so usage errors share one path."""

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


def _jobs(text: str) -> int:
    """``--jobs N``: a whole number of worker processes, at least 1."""
    if not (text.strip().isascii() and text.strip().isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)


def _host(text: str) -> str:
    """``--host``: an address to listen on; an IPv6 address may be written in brackets, as in a URL."""
    text = text.strip()
    host = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    if not host:  # (an unset variable in a script): it would mean every interface
        raise argparse.ArgumentTypeError("must not be empty (default 127.0.0.1; 0.0.0.0 listens on every interface)")
    return host


def _folder(text: str) -> str:
    """A folder argument: never empty (an empty ``--out ""`` from a script's unset variable would
    otherwise mean the default folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def _print_diagnostics(diagnostics) -> None:
    if diagnostics:
        print(format_all(diagnostics), file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    from .build import BuildOptions, build

    result = build(
        BuildOptions(
            site_dir=Path(args.dir),
            out_dir=Path(args.out) if args.out else None,
            drafts=args.drafts,
            strict=args.strict,
            base_url=args.base_url,
            jobs=args.jobs,
            progress=not args.quiet,
            cache=not args.no_cache,
        )
    )
    _print_diagnostics(result.diagnostics)
    if not args.quiet:
        print(one_line(result.summary()))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .build import check

    diagnostics = check(Path(args.dir), strict=args.strict, drafts=args.drafts)
    _print_diagnostics(diagnostics)
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    failed = errors or (args.strict and warnings)
    print(f"{'FAILED' if failed else 'OK'}: {errors} error(s), {warnings} warning(s){_strictly(args, errors)}")
    return 1 if failed else 0


def _strictly(args: argparse.Namespace | None, errors: int) -> str:
    """What a summary adds when only ``--strict`` made the warnings fail."""
    return " (--strict: warnings fail the build)" if getattr(args, "strict", False) and not errors else ""


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(
        Path(args.dir), host=args.host, port=args.port, drafts=args.drafts, open_browser=args.open
    )


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import new_file

    path = new_file(Path(args.dir), args.kind, " ".join(args.name))
    print(f"created {path}")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from .scaffold import init_site

    result = init_site(Path(args.dir), force=args.force)
    for path in result.created:
        print(f"created {path}")
    for path in result.skipped:
        print(f"skipped {path} (already exists)")
    same = Path(args.dir).resolve() == Path.cwd().resolve()
    print("\nNext: briefgen serve" if same else f"\nNext: cd {shell_word(args.dir)} && briefgen serve")
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    from .deploy import DeployOptions, deploy

    try:
        message = deploy(DeployOptions(
            site_dir=Path(args.dir),
            out_dir=Path(args.out) if args.out else None,
            branch=args.branch,
            remote=args.remote,
            push=not args.no_push,
            build=not args.no_build,
            force=args.force,
            cname=args.cname,
            message=args.message,
        ))
    except BriefgenError as exc:  # a push refused after the build and the commit: say what was done first
        if exc.done:
            print(exc.done)
        raise
    print(message)
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="briefgen",
        description="Build a static briefing site from annotated news briefs.",
        epilog="Run 'briefgen COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"briefgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def site_dir(p: argparse.ArgumentParser) -> None:
        p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the site folder (default: .)")

    p = sub.add_parser("build", help="build the site", description="Build the site into site/ (or --out).")
    site_dir(p)
    p.add_argument("--out", type=_folder, metavar="PATH",
                   help="output folder (default: output_dir from briefgen.yaml, site/)")
    p.add_argument("--drafts", action="store_true", help="include briefs marked draft: true")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--base-url", metavar="URL", help="override base_url (absolute URLs in feeds, sitemap)")
    p.add_argument("--jobs", "-j", type=_jobs, metavar="N", help="worker processes (default: number of CPUs)")
    p.add_argument("--no-cache", action="store_true",
                   help="a one-off build (CI): neither read nor write the build cache (.briefgen-cache/, or "
                        "the user's cache folder for an output outside the site), which makes this build "
                        "faster and the next one a full build, nor the compiled templates kept in the user's "
                        "cache folder")
    p.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("check", help="validate the content; writes nothing",
                       description="Load and validate every file and report every problem. Writes nothing.")
    site_dir(p)
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--drafts", action="store_true", help="validate as if building with drafts")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("serve", help="preview with live reload",
                       description="Build, serve on localhost, rebuild on change and reload open pages.")
    site_dir(p)
    p.add_argument("--host", type=_host, default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    p.add_argument("--drafts", action="store_true", help="include drafts")
    p.add_argument("--open", action="store_true", help="open the site in a web browser")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("new", help="create a brief or entity file",
                       description="Create content/briefs/<date>-<slug>.md or content/<kind>/<id>.yaml.")
    p.add_argument("kind", metavar="KIND", help="brief, or an entity kind (people, ships, events, ...)")
    p.add_argument("name", nargs="+", metavar="NAME", help="the brief's title or the entity's name")
    p.add_argument("--dir", default=".", help="the site folder (default: .)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("init", help="create a new site",
                       description="Create a new site: config, sample content, GitHub Pages workflow.")
    p.add_argument("dir", type=_folder, metavar="DIR", help="folder to create the site in")
    p.add_argument("--force", action="store_true", help="allow a non-empty folder (never overwrites files)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("deploy", help="publish the built site to a gh-pages branch",
                       description="Build (strict) and commit the site to a branch for GitHub Pages.")
    site_dir(p)
    p.add_argument("--out", type=_folder, metavar="PATH", help="output folder to deploy (default: the configured one)")
    p.add_argument("--branch", default="gh-pages", help="branch to commit to (default: gh-pages)")
    p.add_argument("--remote", default="origin", help="remote to push to (default: origin)")
    p.add_argument("--no-push", action="store_true", help="commit but do not push")
    p.add_argument("--no-build", action="store_true", help="deploy the existing output without building")
    p.add_argument("--force", action="store_true", help="force-push over a diverged remote branch")
    p.add_argument("--cname", metavar="DOMAIN", help="write a CNAME file (default: cname from briefgen.yaml)")
    p.add_argument("--message", "-m", metavar="TEXT", help="commit message (default: Deploy <sha> from <branch>)")
    p.set_defaults(func=cmd_deploy, strict=True)  # its build is: a failure's summary says why warnings fail it
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = None
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # named with the command, whose --help lists what it takes, when given after it
            given = list(sys.argv[1:] if argv is None else argv)
            command = getattr(args, "command", None)
            after = command in given and all(x in given[given.index(command) + 1:] for x in extra)
            prog = f"briefgen {command}" if after else "briefgen"
            raise UsageError(f"{prog}: unrecognized arguments: {' '.join(extra)} (see '{prog} --help')")
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        return args.func(args)
    except ContentError as exc:
        _print_diagnostics(exc.diagnostics)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        print(f"FAILED: {errors} error(s), {len(exc.diagnostics) - errors} warning(s)"
              f"{_strictly(args, errors)}; nothing was written", file=sys.stderr)
        return exc.exit_code
    except BriefgenError as exc:
        print(one_line(f"briefgen: error: {exc}"), file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # the system refused (a full disk, a folder it may not write): no content problem
        where = f": {exc.filename}" if exc.filename else ""
        print(one_line(f"briefgen: error: {exc.strerror or exc}{where}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("briefgen: interrupted", file=sys.stderr)
        return 130


def run() -> None:
    """The ``briefgen`` console script: :func:`main`, then exit at once. A build of a large site
    leaves millions of objects, and letting the interpreter free them one by one on the way out
    costs seconds (2.5 s at 10,000 briefs) for nothing: every file is written and closed by then,
    and the temporary folders are removed by the commands themselves."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
