"""The Markdown report (printed as it is made, written at the end) and its machine section."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from pathlib import Path

from dev.localapi.template import ROOT


class Report:
    """Markdown printed as it is made and written to a file (`bench/REPORT.md`) at the end."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        for line in lines:
            print(line, flush=True)
            self.lines.append(line)

    def table(self, headers: list[str], rows: list[list[str]]) -> None:
        self.add(
            "| " + " | ".join(headers) + " |",
            "|" + "|".join("---" for _ in headers) + "|",
            *("| " + " | ".join(row) + " |" for row in rows),
            "",
        )

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(self.lines).rstrip() + "\n", encoding="utf-8")


def database_label() -> str:
    """The database the warm figures come from."""
    return "MongoDB at MONGODB_URI" if os.environ.get("MONGODB_URI") else "mongomock"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return "unknown"


def machine_section(report: Report) -> None:
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    database = database_label() if os.environ.get("MONGODB_URI") else "mongomock (in-process)"
    report.add("## Machine", "")
    report.table(
        ["", ""],
        [
            ["date", time.strftime("%Y-%m-%d %H:%M %Z")],
            ["commit", commit or "unknown"],
            ["CPU", f"{_cpu_model()}, {os.cpu_count()} cores"],
            ["memory", _memory_gib()],
            ["OS", platform.platform()],
            ["Python", platform.python_version()],
            ["database", database],
            ["AWS", "moto (SQS, SES, SSM) in-process; no AWS account, no Docker"],
        ],
    )
    report.add(
        "The original service's production figures were measured over the network on a DigitalOcean droplet",
        '(its README); the "same set-up" ones come from running the original on this machine against mongomock',
        "with the same data. Figures here are in-process Lambda handler times on this machine: compare shapes,",
        "not absolute numbers, with the production column. Run-to-run noise on this machine is about ±25 %.",
        "",
    )
