#!/usr/bin/env python3
"""Real-data benchmark of `probe`: layers of a real task, each probed under a memory cap.

  tools/bench-real.py TASK [--layers 0,3,6] [--cap 1G] [--model all-MiniLM-L6-v2]
                      [--iteration 0] [--test] [--threads N] [--out bench-real] [--timeout 3600]
                      [--portable]

TASK is a task folder in the pre-packed layout, e.g. one built with the shared tool
`make-real-task OUT --task supersense --test-fraction 0.2 --min-per-label 20 --layers 0,3,6
--inflections` (WordNet supersenses embedded with all-MiniLM-L6-v2). The task is converted
once into a store (probe-convert, release build); then every layer is probed (mode probing,
with test prediction when --test is given) under ../shared/tools/run-capped LIMIT when that
exists and we are root — it caps the whole cgroup, page cache included, and reports the peak —
and otherwise with /usr/bin/time. Prints one row per layer: wall time, peak memory, cluster
count, linear or not, first error state, points set aside (coincident with a point of another
label), accuracy; writes OUT/bench-real.json.
"""
import argparse, json, os, re, shutil, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAPPED = os.path.join(ROOT, "..", "shared", "tools", "run-capped")


def build(portable=False):
    """Release build: for this CPU's x86-64-v3 where it has it (Package.swift), or with
    portable, for any x86-64 (PROBE_PORTABLE_BUILD=1), in a build folder of its own (the same
    results bit for bit: Swift fuses no multiply-add by itself)."""
    folder, env = os.path.join(ROOT, ".build"), dict(os.environ)
    if portable:
        folder = os.path.join(ROOT, ".build", "portable")
        env["PROBE_PORTABLE_BUILD"] = "1"
    for product in ["probe", "probe-convert"]:
        subprocess.run(["swift", "build", "-c", "release", "--product", product, "--build-path", folder],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return os.path.join(folder, "release")


def build_kind(probe):
    """The CPU target of the binary, as its log names it: "x86-64-v3" where it carries the CPU
    check of such a build (the CPUFeatures target), else "portable" ("unknown" without nm)."""
    try:
        symbols = subprocess.run(["nm", probe], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return "x86-64-v3" if "require_x86_64_v3" in symbols else "portable"


def run_capped(command, cap, timeout):
    """Runs command; returns (seconds, peak bytes or None, exit code, stderr)."""
    capped = os.path.exists(CAPPED) and os.geteuid() == 0
    wrapped = [CAPPED, cap] + command if capped else ["/usr/bin/time", "-v"] + command
    start = time.time()
    try:
        done = subprocess.run(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.time() - start, None, 124, "timed out"
    seconds = time.time() - start
    peak = None
    if capped:
        m = re.search(r"peak=(\d+)", done.stderr)
        peak = int(m.group(1)) if m else None
    else:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        peak = int(m.group(1)) * 1024 if m else None
    return seconds, peak, done.returncode, done.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("task")
    ap.add_argument("--layers", default="0,3,6")
    ap.add_argument("--cap", default="1G")
    ap.add_argument("--model", default="all-MiniLM-L6-v2")
    ap.add_argument("--iteration", default="0")
    ap.add_argument("--test", action="store_true", help="also predict the test split")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--out", default="bench-real")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds per layer")
    ap.add_argument("--portable", action="store_true", help="build for any x86-64 (PROBE_PORTABLE_BUILD=1), not for this CPU")
    args = ap.parse_args()

    task = os.path.abspath(args.task)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    binaries = build(args.portable)
    cpu_target = build_kind(os.path.join(binaries, "probe"))
    print(f"probe built for {cpu_target}")
    store = os.path.join(out, "task.h5")
    if not os.path.exists(store):
        subprocess.run([os.path.join(binaries, "probe-convert"), task, "-o", store, "--quiet"], check=True)
    rows = []
    print(f"{'layer':>5} {'time':>9} {'peak':>9} {'clusters':>8} {'linear':>6} {'first error':>11} {'set aside':>9} {'accuracy':>8}")
    for layer in args.layers.split(","):
        results = os.path.join(out, f"layer{layer}")
        key = f"{args.model}/train/{args.iteration}/{layer}"
        test = ""
        if args.test:
            test = (f"test_entities_path = {store}:test\n"
                    f"test_embeddings_path = {store}:{args.model}/test/{args.iteration}/{layer}\n")
        config = os.path.join(out, f"layer{layer}.ini")
        with open(config, "w") as f:
            f.write(f"[run]\noutput_path = {results}\ncomments = bench-real layer {layer}\n"
                    f"memory = {args.cap}\n"
                    f"[data]\nlabel_set_path = {store}\nentities_path = {store}:train\n"
                    f"embeddings_path = {store}:{key}\n{test}"
                    f"[clustering]\nmode = probing\nrate = 0.05\n")
        shutil.rmtree(results, ignore_errors=True)
        command = [os.path.join(binaries, "probe"), "-c", config, "--quiet", "--threads", str(args.threads)]
        seconds, peak, code, stderr = run_capped(command, args.cap, args.timeout)
        row = {"layer": layer, "seconds": seconds, "peak_bytes": peak, "exit": code}
        summary_path = os.path.join(results, "summary.json")
        if code == 0 and os.path.exists(summary_path):
            with open(summary_path) as f:
                s = json.load(f)
            row.update(clusters=s.get("clusters"), linear=s.get("linear"), first_error_state=s.get("first_error_state"),
                       set_aside=len(s.get("set_aside") or []), accuracy=s.get("accuracy"), timings=s.get("timings_seconds"))
        else:
            row["error"] = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {code}"
        rows.append(row)
        peak_text = f"{peak / 1e6:.0f} MB" if peak else "?"
        if "error" in row:
            print(f"{layer:>5} {seconds:>8.1f}s {peak_text:>9}  failed: {row['error']}")
        else:
            acc = f"{row['accuracy']:.4f}" if row.get("accuracy") is not None else "-"
            print(f"{layer:>5} {seconds:>8.1f}s {peak_text:>9} {row['clusters']:>8} {str(row['linear']):>6} "
                  f"{str(row['first_error_state']):>11} {row['set_aside']:>9} {acc:>8}")
        sys.stdout.flush()
    with open(os.path.join(out, "bench-real.json"), "w") as f:
        json.dump({"task": task, "cap": args.cap, "threads": args.threads, "cpu_target": cpu_target, "rows": rows}, f, indent=2)
    return 0 if all(r["exit"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
