#!/usr/bin/env python3
"""Edit-to-files-written time in one long-lived process, as ``briefgen serve`` rebuilds (issue 9).

    python bench/edit_latency.py CORPUS [--edits 7] [--jobs N] [--out DIR]

Builds CORPUS (a briefgen site, e.g. bench/corpora/1000-briefgen) once into a
scratch folder, then, in the same process, appends a sentence to the body of
one brief, calls ``briefgen.build.build`` again and times it, restoring the
brief afterwards; a different brief each time. Prints every time and the median.
Also times a no-change rebuild. The corpus is left as it was. Standard library only.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from briefgen.build import BuildOptions, build  # noqa: E402

SENTENCE = "\n\nEdited: one more sentence appended to time an incremental rebuild.\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: a scratch folder)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="briefgen-edit-latency-"))
    out = args.out or scratch / "out"
    # as serve: its cache in the scratch folder too
    options = BuildOptions(args.corpus, out_dir=out, jobs=args.jobs, progress=False, session=True,
                           cache_dir=scratch / ".briefgen-cache" / "out")
    try:
        started = time.perf_counter()
        build(options)
        print(f"initial build: {time.perf_counter() - started:.2f} s", flush=True)
        started = time.perf_counter()
        result = build(options)
        print(f"no-change rebuild: {time.perf_counter() - started:.3f} s ({result.pages_written} written)")
        briefs = sorted((args.corpus / "content" / "briefs").glob("*.md"))
        times = []
        for i in range(args.edits):
            target = briefs[(i + 1) * len(briefs) // (args.edits + 1)]
            original = target.read_bytes()
            try:
                target.write_bytes(original.rstrip(b"\n") + SENTENCE.encode())
                started = time.perf_counter()
                result = build(options)
                times.append(time.perf_counter() - started)
            finally:
                target.write_bytes(original)
            print(f"edit {i + 1}: {times[-1] * 1000:.0f} ms, {result.pages_written} file(s) written: "
                  f"{', '.join(result.changed[:4])}{' …' if len(result.changed) > 4 else ''}", flush=True)
            build(options)  # back to the original, untimed
        print(f"median edit-to-files-written: {statistics.median(times) * 1000:.0f} ms "
              f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
