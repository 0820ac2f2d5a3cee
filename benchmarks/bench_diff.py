"""How fast is the paragraph differ, against git's word diff and diff-match-patch, on big and nasty inputs?

Prints one table. For each generated pair of plain-text files it runs

* `provtrack compare A B --format json` as a subprocess (the whole command: start-up, reading,
  extraction, diff, word diffs, JSON output),
* provtrack's `compute_diff` alone, in a child process that extracts first and times only the diff,
* `git diff --no-index --word-diff A B`,
* diff-match-patch (`diff_main` with no time limit, then `diff_cleanupSemantic`), the Python
  package, installed into this benchmark's own virtual environment (default
  /tmp/provtrack-bench-venv; it is a peer to compare with, not a provtrack dependency),

and reports wall time, CPU time (user + system of the child and its children, which a busy
machine disturbs far less than wall time), peak memory (max RSS of the child, from /usr/bin/time)
and the ratios to git.

Every Python child (provtrack and diff-match-patch alike) runs with the benchmark venv's
interpreter, which also holds provtrack's runtime dependencies (click, rich, gitpython; provtrack
itself comes from this checkout through PYTHONPATH), and the way an installed program runs: with
a bytecode cache (PYTHONDONTWRITEBYTECODE removed from the environment, PYTHONPYCACHEPREFIX in the
benchmark's temporary directory) filled by one untimed warm-up run of every command. One more row,
`provtrack compare (no .pyc)`, runs the article pair the way a checkout with
PYTHONDONTWRITEBYTECODE=1 does: every module compiled from source in every process. Inputs (all
fictional text, generated here):

* `article`: ~5,000 paragraphs / ~1.3 MB with ~2% of paragraphs edited (figures, words, added
  sentences), added, removed, moved, split or merged;
* `100k`: 100,000 short paragraphs with 1,000 scattered edits;
* `1mb-para`: a single paragraph of ~1 MB with 50 words changed;
* `identical`: 5,000 copies of one paragraph with 10 other paragraphs among them; 10 copies
  removed and 10 inserted elsewhere, two of the others edited.

    python benchmarks/bench_diff.py [--repeat N] [--only article,1mb-para] [--venv DIR] [--timeout S]

The machine is shared with whatever else runs: every command runs --repeat times and the best
run is shown.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# -- fictional text ----------------------------------------------------------------------------

TOWNS = ["Eastbrook", "Fallowmere", "Marrowfield", "Quillan Bay", "Thornwick", "Ashby Coombe", "Pellingford",
         "Stonemarsh", "Wrenfield", "Carrow Heath", "Dunmere", "Elsworth Vale", "Lower Haddon", "Kestrel Valley"]
PEOPLE = ["Edda Vantorre", "Orrin Caskell", "Priya Malvane", "Tomas Hezzleby", "Ilse Durrowmere", "Desmond Quenby",
          "Anouk Pemberthy", "Callum Ferrault", "Rosalind Lindqvist", "Farah Okonjo-Vale", "Kwame Harrowby"]
TEMPLATES = [
    "Councillors in {town} voted {a} to {b} on {day} to approve a budget of £{m}m for the coming year.",
    "The plan raises council tax by {p}% and closes {a} of the district's recycling centres.",
    "“We have been warning about this for years,” said {who}, who has lived in {town} for {a} years.",
    "Water from the river reached the ground floors of {a} homes in {town} by dawn on {day}.",
    "Emergency crews evacuated {n} residents from the lower streets of {town} overnight.",
    "Trains between {town} and {town2} will be replaced by buses for {a} weeks while the line is rebuilt.",
    "The hospital in {town} postponed {n} planned operations to free up beds, {who} said.",
    "A {a}-year-old man from {town} has been charged after a fire at a warehouse on Mill Lane.",
    "Insurers estimate the damage to homes and businesses in {town} could exceed £{m}m.",
    "The school in {town} has {n} pupils and was last inspected in {y}.",
    "{who} told the meeting that residents of {town2} had waited since {y} for the new bridge.",
    "Only {p}% of trains on the line arrived on time last month, the worst figure in the region.",
    "The bakery chain founded in {town} in {y} has gone into administration with the loss of {n} jobs.",
    "Forecasters expect another {a} mm of rain before {day} evening, {who} warned.",
    "A public consultation drew {n} responses, most of them opposed to the closure of the {town} library.",
    "The club secured promotion with a {a}-{b} win over their neighbours from {town2} on {day}.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def sentence(rng: random.Random) -> str:
    return rng.choice(TEMPLATES).format(
        town=rng.choice(TOWNS), town2=rng.choice(TOWNS), who=rng.choice(PEOPLE), day=rng.choice(DAYS),
        a=rng.randint(2, 99), b=rng.randint(1, 60), m=rng.randint(2, 900), p=rng.randint(2, 80),
        n=f"{rng.randint(100, 99_999):,}", y=rng.randint(1950, 2025))


def paragraph(rng: random.Random, sentences: tuple[int, int] = (2, 4)) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(*sentences)))


def edit(rng: random.Random, paras: list[str], count: int) -> list[str]:
    """A later version: *count* scattered edits of every kind."""
    new = list(paras)
    for _ in range(count):
        k = rng.randrange(1, len(new) - 1)
        roll = rng.random()
        if roll < 0.35:  # a figure or a word
            new[k] = new[k].replace(" the ", " a ", 1).replace("1", "7", 1)
        elif roll < 0.5:
            new[k] = new[k] + " " + sentence(rng)
        elif roll < 0.6:
            del new[k]
        elif roll < 0.7:
            new.insert(k, paragraph(rng))
        elif roll < 0.8:
            moved = new.pop(k)
            new.insert(min(len(new), max(0, k + rng.randint(-200, 200))), moved)
        elif roll < 0.9 and ". " in new[k]:
            head, tail = new[k].split(". ", 1)
            new[k:k + 1] = [head + ".", tail]
        else:
            new[k:k + 2] = [" ".join(new[k:k + 2])]
    return new


def inputs(rng: random.Random) -> dict[str, tuple[list[str], list[str]]]:
    article = [paragraph(rng) for _ in range(5_000)]
    many = [paragraph(rng, (1, 1)) for _ in range(100_000)]
    big = [" ".join(sentence(rng) for _ in range(9_000))]
    words = big[0].split(" ")
    for _ in range(50):
        words[rng.randrange(len(words))] = rng.choice(["roughly", "nearly", "officially", "finally"])
    copy = "Advertisement. Continue reading the main story below this notice from our sponsors."
    identical = [copy] * 5_000
    for k in range(10):
        identical[k * 499 + 7] = paragraph(rng)
    changed = list(identical)
    for k in sorted(rng.sample(range(len(changed)), 10), reverse=True):
        if changed[k] == copy:
            del changed[k]
    for _ in range(10):
        changed.insert(rng.randrange(len(changed)), copy)
    for k in (7, 2_002):
        changed[k] = changed[k] + " " + sentence(rng) if changed[k] != copy else changed[k]
    return {
        "article": (article, edit(rng, article, 100)),
        "100k": (many, edit(rng, many, 1_000)),
        "1mb-para": (big, [" ".join(words)]),
        "identical": (identical, changed),
    }


# -- runners ---------------------------------------------------------------------------------

IN_PROCESS = """
import json, sys, time
sys.path.insert(0, {root!r})
from provtrack.extract_text import TextExtractor
from provtrack.diff import compute_diff
read = lambda p: TextExtractor().extract(open(p, encoding="utf-8").read())[0]
old, new = read(sys.argv[1]), read(sys.argv[2])
start = time.perf_counter()
result = compute_diff(old, new)
print(json.dumps({{"seconds": time.perf_counter() - start, "changes": len(result.changes),
                  "coarse": result.reason}}))
"""
DMP = """
import json, sys, time
from diff_match_patch import diff_match_patch
a, b = (open(p, encoding="utf-8").read() for p in sys.argv[1:3])
dmp = diff_match_patch()
dmp.Diff_Timeout = 0  # no time limit: a full diff, like the others
start = time.perf_counter()
diffs = dmp.diff_main(a, b)
dmp.diff_cleanupSemantic(diffs)
print(json.dumps({"seconds": time.perf_counter() - start, "changes": sum(1 for op, _ in diffs if op)}))
"""


Timing = tuple[float | None, float | None, float | None, str]


def timed(cmd: list[str], timeout: float, env: dict[str, str] | None = None) -> Timing:
    """(wall seconds, CPU seconds, peak RSS in MB, stdout) of *cmd* under /usr/bin/time; (None, None, None,
    reason) on timeout. CPU time (user + system) is what a busy machine disturbs least."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        start = time.perf_counter()
        try:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *cmd], capture_output=True,
                                  text=True, timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired:
            return None, None, None, f"> {timeout:.0f} s"
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        if proc.returncode not in (0, 1):  # git diff and --exit-code style tools return 1 for "different"
            raise RuntimeError(f"{cmd[:3]} failed ({proc.returncode}): {proc.stderr[-500:]}")
        rss = report.read().strip().splitlines()[-1]
    return wall, cpu, int(rss) / 1024, proc.stdout


#: what the venv needs: the peer, and provtrack's own runtime dependencies (import name, package)
VENV_PACKAGES = (("diff_match_patch", "diff-match-patch"), ("click", "click"), ("rich", "rich"),
                 ("git", "gitpython"))


def bench_python(venv: Path) -> Path:
    """The benchmark venv's python, with diff-match-patch and provtrack's dependencies (made on first use)."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    for module, package in VENV_PACKAGES:
        check = subprocess.run([str(python), "-c", f"import {module}"], capture_output=True, check=False)
        if check.returncode:
            subprocess.run([str(python), "-m", "pip", "install", "-q", package], check=True)
    return python


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of every command (the best is shown)")
    parser.add_argument("--only", default="article,100k,1mb-para,identical")
    parser.add_argument("--venv", type=Path, default=Path("/tmp/provtrack-bench-venv"))
    parser.add_argument("--timeout", type=float, default=300.0, help="per command, seconds")
    args = parser.parse_args()
    python = bench_python(args.venv)
    names = args.only.split(",")
    data = inputs(random.Random(20260205))
    workdir = Path(tempfile.mkdtemp(prefix="provtrack-bench-diff-"))
    # as installed programs run: bytecode cached (in the work directory, filled by the warm-up run)
    cold = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    cold.pop("PYTHONPYCACHEPREFIX", None)
    warm = {k: v for k, v in cold.items() if k != "PYTHONDONTWRITEBYTECODE"}
    warm["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    rows: list[tuple[str, str, float | None, float | None, float | None, float | None, str]] = []
    try:
        for name in names:
            old, new = data[name]
            a, b = workdir / f"{name}-a.txt", workdir / f"{name}-b.txt"
            a.write_text("\n\n".join(old) + "\n", encoding="utf-8")
            b.write_text("\n\n".join(new) + "\n", encoding="utf-8")
            print(f"{name}: {len(old):,} / {len(new):,} paragraphs, {a.stat().st_size / 1e6:.2f} MB",
                  file=sys.stderr, flush=True)
            compare = [str(python), "-m", "provtrack", "compare", str(a), str(b), "--format", "json",
                       "--max-bytes", str(1 << 30)]
            tools = {
                "provtrack compare --format json": (compare, warm),
                "provtrack compute_diff (in-process)": ([str(python), "-c", IN_PROCESS.format(root=str(ROOT)),
                                                         str(a), str(b)], warm),
                "git diff --no-index --word-diff": (["git", "diff", "--no-index", "--word-diff", str(a), str(b)], warm),
                "diff-match-patch (python)": ([str(python), "-c", DMP, str(a), str(b)], warm),
            }
            if name == "article":
                tools["provtrack compare (no .pyc)"] = (compare, cold)
            for tool, (cmd, env) in tools.items():
                runs: list[tuple[float, float | None, float | None, float | None, str]] = []  # wall, cpu, diff, rss
                failure = ""
                if env is warm:
                    timed(cmd, args.timeout, env)  # untimed warm-up: fills the bytecode cache and the page cache
                for _ in range(args.repeat):
                    wall, cpu, rss, out = timed(cmd, args.timeout, env)
                    if wall is None:
                        failure = out
                        break
                    report = json.loads(out) if tool.endswith("(in-process)") or tool.startswith("diff-match") else {}
                    note = f"coarse: {report['coarse']}" if report.get("coarse") else ""
                    runs.append((wall, cpu, report.get("seconds"), rss, note))
                if failure or not runs:
                    best: tuple[float | None, float | None, float | None, float | None, str] = (
                        None, None, None, None, failure)
                else:
                    fastest = min(runs, key=lambda r: r[0])
                    cpus = [r[1] for r in runs if r[1] is not None]
                    diffs = [r[2] for r in runs if r[2] is not None]
                    best = (fastest[0], min(cpus) if cpus else None, min(diffs) if diffs else None, fastest[3],
                            fastest[4])
                rows.append((name, tool, *best))
                print(f"  {tool}: {best[0]}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    git = {name: wall for name, tool, wall, *_ in rows if tool.startswith("git")}
    git_cpu = {name: cpu for name, tool, _, cpu, *_ in rows if tool.startswith("git")}
    print(f"\nprovtrack diff benchmark · {platform.python_implementation()} {platform.python_version()} · "
          f"{os.cpu_count()} CPUs · {platform.machine()} · best of {args.repeat} runs after a warm-up run · "
          f"load average {os.getloadavg()[0]:.2f}\n"
          "process: wall time of the whole command (start-up, reading, extraction, output); cpu: its user + system "
          "time (fastest run); diff: the diff call alone, timed inside the process;\npeak MB: max RSS of the "
          "process; x git: time / git's process time (cpu x git: CPU time / git's CPU time); "
          "Python children: the benchmark venv, bytecode cached (but the no .pyc row)\n")
    print(f"{'input':<10} {'tool':<38} {'process s':>9} {'cpu s':>6} {'diff s':>7} {'peak MB':>8} {'x git':>6} "
          f"{'cpu x git':>9} {'diff x git':>10}  notes")

    def fmt(value: float | None) -> str:
        return f"{value:.3f}" if value is not None else "-"

    for name, tool, wall, cpu, diff_s, rss, note in rows:
        base, base_cpu = git.get(name), git_cpu.get(name)
        ratio = f"{wall / base:.1f}" if wall is not None and base else "-"
        cpu_ratio = f"{cpu / base_cpu:.1f}" if cpu is not None and base_cpu else "-"
        diff_ratio = f"{diff_s / base:.1f}" if diff_s is not None and base else "-"
        shown = fmt(wall) if wall is not None else note
        print(f"{name:<10} {tool:<38} {shown:>9} {(f'{cpu:.3f}' if cpu is not None else '-'):>6} {fmt(diff_s):>7} "
              f"{(f'{rss:.0f}' if rss else '-'):>8} {ratio:>6} {cpu_ratio:>9} {diff_ratio:>10}  "
              f"{note if wall is not None else ''}")


if __name__ == "__main__":
    main()
