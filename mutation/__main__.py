"""`make mutation`: would the tests notice a wrong rule? cosmic-ray mutates the engine, and the
tests that cover each file run against each mutant.

    python -m mutation [--jobs N] [--survivors] [FILE ...]

Each target file is mutated in a scratch copy of the tree of its own (`.mutation/<file>/`), so
that `--jobs` sessions run side by side; a session is kept there, and an interrupted run goes on
where it stopped, as long as the tree is unchanged. `--survivors` runs again only the mutants that
survived the last run (after new tests). Mutants that are not valid Python (cosmic-ray reads the
`/` of a positional-only parameter as a division) are skipped and counted apart. At the end: the
kill rate per file, and `tests/mutation.md`, the report, with every surviving mutant and every
mutant listed as equivalent in `mutation/equivalent.py`.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import hashlib
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .equivalent import EQUIVALENT
from .targets import TARGETS, TIMEOUT

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".mutation"
REPORT = ROOT / "tests" / "mutation.md"
COPIED = ("autodiff", "nn", "tests", "pyproject.toml")
PYTEST = "-m pytest -x -q -p no:cacheprovider --noconftest -o addopts= --doctest-modules"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m mutation", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="target files (default: all of mutation/targets.py)")
    parser.add_argument("--jobs", type=int, default=2, help="sessions run side by side (default 2)")
    parser.add_argument("--survivors", action="store_true", help="run again only the last run's survivors")
    parser.add_argument("--report", action="store_true", help="run nothing: the report of the sessions as they are")
    args = parser.parse_args()
    files = args.files or list(TARGETS)
    unknown = [f for f in files if f not in TARGETS]
    if unknown:
        parser.error(f"not a target: {', '.join(unknown)} (the targets: {', '.join(TARGETS)})")
    start = time.monotonic()
    with ThreadPoolExecutor(max(1, args.jobs) if not args.report else 1) as pool:
        # The largest first, so that the sessions side by side end at about the same time.
        for line in pool.map(
            lambda f: run(f, args.survivors), sorted(files, key=_size, reverse=True) * (not args.report)
        ):
            print(line, flush=True)
    minutes = (time.monotonic() - start) / 60
    results = {f: results_of(f) for f in TARGETS if (_session(f)).exists()}
    print(table(results))
    if args.report:
        how = "the sessions in .mutation/ as they stand"
    elif args.survivors or args.files:
        how = "sessions resumed: the last run's survivors (and the files changed since) run again"
    else:
        how = f"one run of every file, {minutes:.0f} minutes on two cores"
    write_report(results, how)
    print(f"{minutes:.1f} min; the report: {REPORT.relative_to(ROOT)}")


def run(target: str, survivors: bool) -> str:
    """One target's session: made (or resumed), then run; a line saying what it did."""
    tree = SCRATCH / target.replace("/", "_")
    fingerprint = _copy_tree(tree)
    session, config = _session(target), tree / "cosmic-ray.toml"
    stamp = tree / "fingerprint"
    config.write_text(_config(target, tree))
    mutated = tree / "mutated-file"  # the target as the session's mutants were made from it
    same_target = session.exists() and mutated.exists() and mutated.read_text() == (tree / target).read_text()
    if survivors and same_target:
        _forget_survivors(session)  # new tests: the survivors are due again
    elif not same_target or not stamp.exists() or stamp.read_text() != fingerprint:
        session.unlink(missing_ok=True)
        _cosmic_ray("init", config, session, tree)
        _skip_invalid(target, tree, session)
        mutated.write_text((tree / target).read_text())
    stamp.write_text(fingerprint)
    started = time.monotonic()
    _cosmic_ray("exec", config, session, tree)
    done = results_of(target)
    return f"{target}: {len(done['mutants'])} mutants, {time.monotonic() - started:.0f} s"


def _config(target: str, tree: Path) -> str:
    tests = " ".join(TARGETS[target])
    command = f"{sys.executable} {PYTEST} {tests} {target}"
    return "\n".join(
        [
            "[cosmic-ray]",
            f"module-path = {json.dumps(target)}",
            f"timeout = {TIMEOUT}",
            "excluded-modules = []",
            f"test-command = {json.dumps(command)}",
            "",
            "[cosmic-ray.distributor]",
            'name = "local"',
            "",
        ]
    )


def _cosmic_ray(command: str, config: Path, session: Path, tree: Path) -> None:
    # The scratch tree's packages first (not the editable install's), no plugins but pytest's own.
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    cosmic_ray = Path(sys.executable).parent / "cosmic-ray"
    subprocess.run([str(cosmic_ray), command, str(config), str(session)], cwd=tree, env=env, check=True)


def _session(target: str) -> Path:
    return SCRATCH / target.replace("/", "_") / "session.sqlite"


def _size(target: str) -> int:
    return (ROOT / target).stat().st_size


def _copy_tree(tree: Path) -> str:
    """The scratch copy of the packages and the tests; a fingerprint of what it holds."""
    digest = hashlib.sha256()
    for name in COPIED:
        source, copy = ROOT / name, tree / name
        if source.is_dir():
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            files = sorted(p for p in source.rglob("*.py") if "__pycache__" not in p.parts)
        else:
            tree.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
            files = [source]
        for path in files:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _skip_invalid(target: str, tree: Path, session: Path) -> None:
    """Mark the mutants that do not compile as skipped (cosmic-ray's word for a filtered job)."""
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator

    source = (tree / target).read_text()
    invalid = []
    with sqlite3.connect(session) as db:
        specs = db.execute("SELECT job_id, operator_name, occurrence FROM mutation_specs").fetchall()
        for job_id, operator, occurrence in specs:
            code = mutate_code(source, get_operator(operator)(), occurrence)
            try:
                with warnings.catch_warnings():  # `x is 0` and the like: valid, if odd
                    warnings.simplefilter("ignore", SyntaxWarning)
                    compile(code, target, "exec")
            except SyntaxError:
                invalid.append((job_id,))
        db.executemany(
            "INSERT INTO work_results (worker_outcome, output, test_outcome, diff, job_id) "
            "VALUES ('SKIPPED', 'not valid Python', NULL, NULL, ?)",
            invalid,
        )


def _forget_survivors(session: Path) -> None:
    with sqlite3.connect(session) as db:
        db.execute("DELETE FROM work_results WHERE lower(test_outcome) = 'survived'")  # stored as SURVIVED


def results_of(target: str) -> dict[str, list[dict[str, str]]]:
    """The target's mutants, by outcome: each with its line, operator and changed lines."""
    with sqlite3.connect(_session(target)) as db:
        rows = db.execute(
            "SELECT s.start_pos_row, s.start_pos_col, s.operator_name, r.worker_outcome, r.test_outcome, r.diff, "
            "r.output, s.definition_name FROM mutation_specs s LEFT JOIN work_results r ON s.job_id = r.job_id"
        ).fetchall()
    annotations = _annotations((_session(target).parent / target).read_text())
    out: dict[str, list[dict[str, str]]] = {
        "mutants": [],
        "killed": [],
        "timeout": [],
        "equivalent": [],
        "surviving": [],
        "pending": [],
        "invalid": [],
    }
    for line, column, operator, worker, test, diff, output, function in sorted(rows, key=str):
        worker, test = (worker or "").lower(), test and test.lower()  # stored as the enums' names
        if worker == "skipped":
            out["invalid"].append({})
            continue
        mutant = {"line": str(line), "operator": operator.removeprefix("core/"), **_changed(diff or "")}
        out["mutants"].append(mutant)
        if test is None:
            out["pending"].append(mutant)
        elif test != "survived":
            out["timeout" if output == "timeout" else "killed"].append(mutant)
        else:
            before, after = mutant["before"], mutant["after"]
            # A line written alike in two functions is told apart by the function's name.
            reason = EQUIVALENT.get((target, function, before, after)) or EQUIVALENT.get((target, before, after))
            if any(start <= (line, column) < end for start, end in annotations):
                reason = "a type hint: never evaluated (`from __future__ import annotations`)"
            elif operator == "core/RemoveDecorator" and mutant["before"].endswith("@overload"):
                reason = "an `@overload` stub: the real definition below replaces it either way"
            out["equivalent" if reason else "surviving"].append({**mutant, "reason": reason or ""})
    return out


def _annotations(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the type hints of `source` are: (line, column) from and to; none is evaluated at run
    time where the module has `from __future__ import annotations`."""
    tree = ast.parse(source)
    future = any(
        isinstance(node, ast.ImportFrom) and node.module == "__future__" and node.names[0].name == "annotations"
        for node in tree.body
    )
    hints: list[ast.expr] = []
    for node in ast.walk(tree) if future else ():
        if isinstance(node, ast.arg) and node.annotation is not None:
            hints.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            hints.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            hints.append(node.annotation)
    return [((h.lineno, h.col_offset), (h.end_lineno or h.lineno, h.end_col_offset or 0)) for h in hints]


def _changed(diff: str) -> dict[str, str]:
    lines = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    # Blank lines are left out: at the end of a file, the mutated code may differ in them alone.
    before = " | ".join(line[1:].strip() for line in lines if line.startswith("-") and line[1:].strip())
    after = " | ".join(line[1:].strip() for line in lines if line.startswith("+") and line[1:].strip())
    return {"before": before, "after": after}


def _counts(r: dict[str, list[dict[str, str]]]) -> tuple[int, int, int, int, int, float]:
    mutants, killed = len(r["mutants"]), len(r["killed"]) + len(r["timeout"])
    equivalent, surviving = len(r["equivalent"]), len(r["surviving"])
    counted = mutants - equivalent - len(r["pending"])
    return mutants, killed, equivalent, surviving, len(r["pending"]), 100.0 * killed / counted if counted else math.nan


def table(results: dict[str, dict[str, list[dict[str, str]]]]) -> str:
    head = "| file | mutants | killed (by timeout) | equivalent | surviving | not run | kill rate | not valid Python |"
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for target, r in results.items():
        mutants, killed, equivalent, surviving, pending, rate = _counts(r)
        lines.append(
            f"| `{target}` | {mutants} | {killed} ({len(r['timeout'])}) | {equivalent} | {surviving} | {pending} "
            f"| {'-' if math.isnan(rate) else f'{rate:.1f}%'} | {len(r['invalid'])} |"
        )
    return "\n".join(lines)


def write_report(results: dict[str, dict[str, list[dict[str, str]]]], how: str) -> None:
    today = datetime.date.today().isoformat()
    parts = [
        "# Mutation testing",
        "",
        f"Written by `make mutation` (cosmic-ray 8.7.0) on {today}, from {how}. Each mutant changes one",
        "node of a file's syntax tree; the tests of `mutation/targets.py` then run against it. The kill rate",
        "is killed / (mutants - equivalent); a mutant listed as equivalent cannot change any result,",
        "for the reason given. Mutants that are not valid Python are not counted.",
        "",
        table(results),
        "",
    ]
    parts += ["## The tests each file's mutants ran against", "", "Besides the file's own doctests:", ""]
    parts += [
        f"- `{target}`: " + ", ".join(f"`{t}`" for t in TARGETS[target] if not t.startswith("-")) for target in results
    ]
    parts.append("")
    for title, key in (("Surviving mutants", "surviving"), ("Equivalent mutants", "equivalent")):
        rows = [(target, m) for target, r in results.items() for m in r[key]]
        parts += [f"## {title}", ""]
        if not rows:
            parts += ["None.", ""]
            continue
        for target, m in rows:
            reason = f": {m['reason']}" if m.get("reason") else ""
            parts.append(f"- `{target}:{m['line']}` {m['operator']}: `{m['before']}` -> `{m['after']}`{reason}")
        parts.append("")
    REPORT.write_text("\n".join(parts))


if __name__ == "__main__":
    main()
