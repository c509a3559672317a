"""`make scan`: pip-audit of the locked dependencies (constraints.txt), with an honest verdict.

Fails on any known vulnerability. Dependencies the vulnerability service could not look up are listed,
and the run says plainly how many went unaudited: where PyPI's per-release JSON API is unreachable (as
through this machine's registry mirror) nothing is audited, and that must not read as "no findings".
`AUDIT_STRICT=1` also fails on unaudited dependencies (for CI with network access).
Runs in the scan virtualenv: standard library only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "constraints.txt"


def main() -> int:
    audit = [sys.executable, "-m", "pip_audit", "-r", str(LOCK), "--no-deps", "--disable-pip", "--format", "json"]
    done = subprocess.run([*audit, "--progress-spinner", "off"], capture_output=True, text=True, check=False)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(done.stdout, done.stderr, sep="\n")
        print("pip-audit gave no report")
        return 1
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "none yet"
            print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixes})")
    audited = len(dependencies) - len(skipped)
    print(f"pip-audit: {len(dependencies)} locked dependencies, {audited} audited, {len(vulnerable)} vulnerable")
    if skipped:
        reasons = sorted({d["skip_reason"].split(":")[0] for d in skipped})
        print(f"NOT AUDITED: {len(skipped)} dependencies ({'; '.join(reasons)})")
    if vulnerable:
        return 1
    if skipped and os.environ.get("AUDIT_STRICT") == "1":
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
