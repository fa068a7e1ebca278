"""The progress line of a long build, on stderr.

Nothing is shown for builds that finish within :data:`DELAY` seconds. On a
terminal one line is redrawn (``\\r``) a few times a second; otherwise (CI logs,
pipes) each stage is announced once, when it starts after the delay."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

DELAY = 2.0
INTERVAL = 0.2


class ProgressLine:
    def __init__(self, enabled: bool, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.started = time.monotonic()
        self.stage = ""
        self.counter = None  # anything with .value
        self.total = 0
        self._announced = ""
        self._drawn = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if enabled:
            self._thread = threading.Thread(target=self._run, name="briefgen-progress", daemon=True)
            self._thread.start()

    def set(self, stage: str, counter=None, total: int = 0) -> None:
        self.stage, self.counter, self.total = stage, counter, total

    def _text(self) -> str:
        text = f"briefgen: {self.stage}"
        if self.counter is not None and self.tty:
            done = self.counter.value
            text += f" {done:,}/{self.total:,}" if self.total and done <= self.total else f" {done:,}"
        elif self.total:
            text += f" (about {self.total:,})"
        return text + f" after {time.monotonic() - self.started:.0f} s"

    def _run(self) -> None:
        if self._stop.wait(DELAY):
            return
        while not self._stop.is_set():
            if self.tty:
                self.stream.write("\r\x1b[K" + self._text())
                self.stream.flush()
                self._drawn = True
            elif self.stage and self.stage != self._announced:
                self._announced = self.stage
                self.stream.write(self._text() + "\n")
                self.stream.flush()
            self._stop.wait(INTERVAL)

    def close(self) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
