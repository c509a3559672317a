"""Deployment package size of every function and of the layer, from the `sam build` output."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from dev.bench.paths import BUILD_DIR, require_build
from dev.bench.report import Report
from dev.localapi.template import load_template


def zipped_size(folder: Path) -> int:
    """The size of `folder` as Lambda receives it: a deflated zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder))
    return buffer.tell()


def unzipped_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def sizes_section(report: Report) -> None:
    require_build()
    report.add(
        "## Deployment package size",
        "",
        "From `.aws-sam/build` (what `sam deploy` uploads): each function's own code, and the shared layer",
        "(dependencies and the `finsight` package with byte code). Lambda's limit is 250 MB unzipped for a",
        "function with its layers. The original shipped one Docker image with every route.",
        "",
    )
    rows = []
    for logical_id in [*sorted(load_template().functions), "CommonLayer"]:
        folder = BUILD_DIR / logical_id
        if folder.is_dir():
            unzipped, zipped = unzipped_size(folder), zipped_size(folder)
            rows.append([logical_id, f"{unzipped / 1024:,.1f} KiB", f"{zipped / 1024:,.1f} KiB"])
    report.table(["package", "unzipped", "zipped"], rows)
