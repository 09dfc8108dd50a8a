"""`make audit`: known vulnerabilities in the pinned dependencies (constraints.txt), via pip-audit.

pip-audit asks PyPI's per-release JSON API (`/pypi/<name>/<version>/json`) for each pin. Where that
answer is missing (pip-audit then reports the package as "skipped" yet still says "No known
vulnerabilities found"), we ask the project API (`/pypi/<name>/json`), whose `vulnerabilities` are
those of the latest release: it audits a pin only when the pin is that release. Whatever is still
unaudited is listed by name; it fails the audit only with `--strict` (or VC_AUDIT_STRICT=1, for CI
with full PyPI access), so `make test` keeps working where PyPI is partly reachable.

Exit status: 0 = no known vulnerability in what could be audited, 1 = a vulnerability (or, strict,
an unaudited pin), 2 = the audit itself could not run.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# Vulnerability id → why it does not apply to us. Every entry needs a written reason; none so far.
IGNORED: dict[str, str] = {}

PROJECT_JSON = "https://pypi.org/pypi/{name}/json"


def pins(requirements: Path) -> dict[str, str]:
    """{normalized name: version} of every `name==version` line."""
    found = {}
    for line in requirements.read_text().splitlines():
        match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)", line)
        if match:
            found[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return found


def run_pip_audit(requirements: Path) -> list[dict]:
    """pip-audit's JSON `dependencies` for the pinned file (no resolution, nothing installed)."""
    command = [sys.executable, "-m", "pip_audit", "-r", str(requirements), "--no-deps", "--disable-pip",
               "--format", "json", "--progress-spinner", "off", "--desc", "off"]
    command += [arg for vuln in IGNORED for arg in ("--ignore-vuln", vuln)]
    done = subprocess.run(command, capture_output=True, text=True)
    try:
        return json.loads(done.stdout)["dependencies"]
    except (json.JSONDecodeError, KeyError):
        raise SystemExit(f"audit: pip-audit gave no report (exit {done.returncode}):\n{done.stderr[-2000:]}") from None


def project_vulns(name: str, version: str, timeout: float = 15.0) -> list[dict] | None:
    """Vulnerabilities of `name==version` from the project API when `version` is the latest
    release (not withdrawn, not ignored); None when this cannot tell."""
    import requests

    try:
        answer = requests.get(PROJECT_JSON.format(name=name), timeout=timeout)
        if answer.status_code != 200:
            return None
        data = answer.json()
    except (requests.RequestException, ValueError):
        return None
    if data.get("info", {}).get("version") != version or "vulnerabilities" not in data:
        return None
    return [{"id": v.get("id"), "fix_versions": v.get("fixed_in", [])} for v in data["vulnerabilities"]
            if not v.get("withdrawn") and v.get("id") not in IGNORED]


def audit(requirements: Path) -> tuple[dict[str, list[dict]], list[str], int]:
    """({package: vulns} found, packages not audited, packages audited)."""
    pinned = pins(requirements)
    report = run_pip_audit(requirements)
    found = {d["name"]: d["vulns"] for d in report if d.get("vulns")}
    skipped = [d["name"] for d in report if "skip_reason" in d]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = dict(zip(skipped, pool.map(lambda n: project_vulns(n, pinned.get(n, "")), skipped)))
    found |= {name: vulns for name, vulns in answers.items() if vulns}
    unaudited = sorted(name for name, vulns in answers.items() if vulns is None)
    return found, unaudited, len(report) - len(unaudited)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirements", type=Path, nargs="?", default=Path("constraints.txt"))
    parser.add_argument("--strict", action="store_true", default=os.environ.get("VC_AUDIT_STRICT") == "1",
                        help="fail when any pin could not be audited")
    args = parser.parse_args(argv)
    found, unaudited, audited = audit(args.requirements)
    for name, vulns in sorted(found.items()):
        for vuln in vulns:
            print(f"audit: {name}: {vuln['id']} (fixed in {', '.join(vuln['fix_versions']) or 'no release yet'})")
    print(f"audit: {audited} pinned packages audited, {len(found)} with known vulnerabilities"
          + (f"; ignored with reasons: {', '.join(IGNORED)}" if IGNORED else ""))
    if unaudited:
        print(f"audit: WARNING {len(unaudited)} pins NOT audited (PyPI had no per-release answer and the pin "
              f"is not the latest release): {', '.join(unaudited)}", file=sys.stderr)
    return 1 if found or (unaudited and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
