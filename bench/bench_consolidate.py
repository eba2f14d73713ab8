"""Benchmark: `xlscorecard consolidate` against the floor and a naive pandas baseline, in one run.

For each size (N returns x M indicators; ``7x10`` is the bundled sample returns) it times, as
whole processes with their start-up, the median of ``--runs`` runs of:

- **consolidate**: ``xlscorecard consolidate DIR --history h.sqlite --records out.csv`` (the first
  run records the quarter in the history, the re-runs replace it, as on deadline day);
- **floor**: every cell of every return read with python-calamine, then a table of one row per
  indicator and as many columns as the records file written with xlsxwriter in constant-memory
  mode with three cell formats (bench/floor.py): no program that reads these returns and
  writes the table can do much less;
- **naive**: ``pandas.read_excel`` (openpyxl engine) of every sheet of every return, then
  ``DataFrame.to_excel`` (openpyxl engine) of the combined table (bench/naive.py);

with each one's peak memory over the process and its children: PSS (pages shared between a
process and its forked workers counted once), from one extra run, and the summed RSS of the
timed runs (which counts shared pages once per process); and prints the ratios
consolidate/floor and naive/consolidate. The package is byte-compiled first, as ``pip install``
does. Not a unit test: run it by hand.

    pip install -e . && python bench/bench_consolidate.py [--sizes 7x10,100x50,1000x200] [--runs 3]

The table is printed and written as JSON (``--json``, default bench/results/consolidate.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SAMPLES = REPO / "sample_workbooks" / "2020-21-Q3"
PERIOD = "2020/21 Q3"
sys.path.insert(0, str(HERE))

from synthetic_returns import write_returns  # noqa: E402 - bench/ is not a package


def tree_memory_kib(pid: int, proportional: bool = False) -> int:
    """Memory of ``pid`` and all its descendants, in KiB (Linux /proc): resident (RSS), or
    proportional (PSS: a page shared by n processes counts 1/n in each, so the copy-on-write
    pages a forked worker shares with its parent are counted once, not once per process)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            if proportional:
                with open(f"/proc/{current}/smaps_rollup", encoding="ascii") as rollup:
                    total += next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
            else:
                with open(f"/proc/{current}/status", encoding="ascii") as status:
                    total += next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    stack.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def measure(command: list[str], cwd: Path, proportional: bool = False) -> tuple[float, float]:
    """(wall seconds, peak MB) of one run of ``command``; stops the benchmark if the command fails.
    RSS is sampled every 10 ms (cheap); PSS every 50 ms (reading it walks the page tables, about
    10 ms a GB, so PSS runs are not the timed ones)."""
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_memory_kib(process.pid, proportional))
            time.sleep(0.05 if proportional else 0.01)
        elapsed = time.perf_counter() - started
        if process.returncode not in (0, 3):
            stderr.seek(0)
            raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n"
                             f"{stderr.read().decode('utf-8', 'replace')[-2000:]}")
    return elapsed, peak / 1024


def commands(folder: Path, out: Path) -> dict[str, list[str]]:
    python = sys.executable
    return {
        # With a history, as officers run it: the first run records the quarter, the re-runs replace it.
        "consolidate": [python, "-m", "xlscorecard", "consolidate", str(folder), "--period", PERIOD,
                        "--history", str(out / "history.sqlite"), "--out", str(out / "scorecard.xlsx"),
                        "--records", str(out / "records.csv")],
        "floor": [python, str(HERE / "floor.py"), str(folder), str(out / "floor.xlsx")],
        "naive": [python, str(HERE / "naive.py"), str(folder), str(out / "naive.xlsx")],
    }


def folder_for(size: str, work: Path, seed: int) -> tuple[Path, int, int]:
    if size == "7x10":
        return SAMPLES, 7, 10
    returns, indicators = (int(part) for part in size.lower().split("x"))
    folder = work / f"returns-{returns}x{indicators}-seed{seed}"
    done = work / f"{folder.name}.complete"  # beside the folder: a file in it would be read as a return
    if not done.exists():
        started = time.perf_counter()
        write_returns(folder, returns, indicators, seed)
        done.write_text("")
        print(f"  generated {returns} x {indicators} in {time.perf_counter() - started:.1f} s", flush=True)
    return folder, returns, indicators


def run_size(size: str, work: Path, runs: int, seed: int) -> dict:
    folder, returns, indicators = folder_for(size, work, seed)
    out = Path(tempfile.mkdtemp(prefix="xlscorecard-bench-"))
    results = {"size": size, "returns": returns, "indicators_per_return": indicators,
               "folder_mb": round(sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) / 1e6, 2)}
    for name, command in commands(folder, out).items():
        times, peaks = [], []
        for _ in range(runs):
            seconds, peak = measure(command, out)
            times.append(seconds)
            peaks.append(peak)
        _, proportional = measure(command, out, proportional=True)  # one more run, for memory only
        results[name] = {"median_s": round(statistics.median(times), 3), "runs_s": [round(t, 3) for t in times],
                         "peak_rss_mb": round(max(peaks), 1), "peak_pss_mb": round(proportional, 1)}
        print(f"  {size} {name}: {results[name]['median_s']:.2f} s, {results[name]['peak_pss_mb']:.0f} MB PSS "
              f"({results[name]['peak_rss_mb']:.0f} MB RSS summed)", flush=True)
    rows = sum(1 for _ in (out / "records.csv").open(encoding="utf-8")) - 1
    results["indicator_rows"] = rows
    results["consolidate_over_floor"] = round(results["consolidate"]["median_s"] / results["floor"]["median_s"], 2)
    results["naive_over_consolidate"] = round(results["naive"]["median_s"] / results["consolidate"]["median_s"], 2)
    results["consolidate_us_per_indicator_row"] = round(results["consolidate"]["median_s"] / rows * 1e6, 1)
    return results


def startup(runs: int) -> dict:
    """`xlscorecard --help` and `validate` on one small return, as whole processes."""
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        one = Path(folder) / "one"
        one.mkdir()
        (one / "public-health-Q3.xlsx").write_bytes((SAMPLES / "public-health-Q3.xlsx").read_bytes())
        timed = {}
        for name, command in {"help": [python, "-m", "xlscorecard", "--help"],
                              "validate_one_return": [python, "-m", "xlscorecard", "validate", str(one),
                                                      "--period", PERIOD]}.items():
            times = [measure(command, Path(folder))[0] for _ in range(max(runs, 5))]
            timed[name] = round(statistics.median(times), 3)
    return timed


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def compile_package() -> None:
    """Byte-compile xlscorecard as pip does on install, so that no timed run compiles it
    (an editable install under PYTHONDONTWRITEBYTECODE would, on every start)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "xlscorecard")], check=True)


def print_table(report: dict) -> None:
    print(f"\nMachine: {report['machine']}")
    print(f"Start-up: xlscorecard --help {report['startup']['help']:.2f} s; validate one return "
          f"{report['startup']['validate_one_return']:.2f} s")
    print(f"{'size':>9} {'rows':>7} {'consolidate':>12} {'floor':>8} {'naive':>8} {'cons/floor':>10} "
          f"{'naive/cons':>10} {'µs/row':>7} {'PSS MB (c/f/n)':>17}")
    for r in report["sizes"]:
        peaks = "/".join(f"{r[k]['peak_pss_mb']:.0f}" for k in ("consolidate", "floor", "naive"))
        print(f"{r['size']:>9} {r['indicator_rows']:>7} {r['consolidate']['median_s']:>11.2f}s "
              f"{r['floor']['median_s']:>7.2f}s {r['naive']['median_s']:>7.2f}s {r['consolidate_over_floor']:>10.2f} "
              f"{r['naive_over_consolidate']:>10.2f} {r['consolidate_us_per_indicator_row']:>7.0f} {peaks:>17}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="7x10,100x50,1000x200", help="comma-separated NxM; 7x10 = the samples")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "xlscorecard-bench",
                        help="where generated returns are kept between runs")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "consolidate.json")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    compile_package()
    report = {"machine": machine(), "runs": args.runs, "seed": args.seed,
              "date": time.strftime("%Y-%m-%d"), "startup": startup(args.runs), "sizes": []}
    for size in args.sizes.split(","):
        print(f"size {size}", flush=True)
        report["sizes"].append(run_size(size.strip(), args.work, args.runs, args.seed))
    print_table(report)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.json}")


if __name__ == "__main__":
    main()
