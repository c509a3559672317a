"""Where the bench reads and writes: the repository, the `sam build` output, the report."""

from __future__ import annotations

from dev.localapi.template import ROOT

BUILD_DIR = ROOT / ".aws-sam" / "build"
BUILT_LAYER = BUILD_DIR / "CommonLayer" / "python"
SOURCE_LAYER = ROOT / "layers" / "common"
REPORT_PATH = ROOT / "bench" / "REPORT.md"


def require_build() -> None:
    """Stop the bench when there is no `sam build` output to measure."""
    if not BUILT_LAYER.is_dir():
        raise SystemExit("no sam build output: run `make bench` (it builds first) or `sam build`")
