#!/usr/bin/env python3
"""Scaling benchmark of `probe`: wall time and peak memory against n, with the exponent.

  tools/bench-scale.py [--sizes 10000,30000,100000,300000] [--dim 768] [--labels 20]
                       [--tangle 0.3] [--cap 4G] [--out bench-scale] [--keep]

For each n it generates a task straight into a store (tools/gen-task.py --format h5),
runs `probe` (release build) in mode probing on it — under ../shared/tools/run-capped
when that exists and we are root, which reports the peak memory of the whole cgroup — and
records the wall time, the peak memory and the resident peak that probe logs. It prints a
table, fits time ∝ n^k and memory ∝ n^k by least squares on the log-log points, and writes
OUT/scale.svg (time and memory against n, log-log) and OUT/scale.json.
"""
import argparse, json, math, os, re, shutil, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fit(xs, ys):
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    sxx = sum((a - mx) ** 2 for a in lx)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sxx if sxx > 0 else float("nan")


def svg(rows, path):
    w, h, m = 720, 360, 60
    xs = [r["n"] for r in rows]
    series = [("time (s)", [r["seconds"] for r in rows], "#1f77b4"),
              ("peak memory (MB)", [r["peak_mb"] for r in rows], "#d62728")]
    lo = min(min(v) for _, v, _ in series if v)
    hi = max(max(v) for _, v, _ in series if v)
    lo, hi = 10 ** math.floor(math.log10(max(lo, 1e-3))), 10 ** math.ceil(math.log10(hi))
    x0, x1 = 10 ** math.floor(math.log10(min(xs))), 10 ** math.ceil(math.log10(max(xs)))
    X = lambda v: m + (math.log10(v) - math.log10(x0)) / (math.log10(x1) - math.log10(x0)) * (w - 2 * m)
    Y = lambda v: h - m - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * (h - 2 * m)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<text x="{w/2}" y="20" text-anchor="middle" font-size="14">probe: time and peak memory against n (log-log)</text>',
           f'<line x1="{m}" y1="{h-m}" x2="{w-m}" y2="{h-m}" stroke="black"/><line x1="{m}" y1="{m}" x2="{m}" y2="{h-m}" stroke="black"/>']
    e = math.log10(x0)
    while e <= math.log10(x1) + 1e-9:
        out.append(f'<text x="{X(10**e):.1f}" y="{h-m+18}" text-anchor="middle">1e{int(e)}</text>')
        e += 1
    e = math.log10(lo)
    while e <= math.log10(hi) + 1e-9:
        out.append(f'<text x="{m-8}" y="{Y(10**e)+4:.1f}" text-anchor="end">1e{int(e)}</text>')
        out.append(f'<line x1="{m}" y1="{Y(10**e):.1f}" x2="{w-m}" y2="{Y(10**e):.1f}" stroke="#ddd"/>')
        e += 1
    out.append(f'<text x="{w/2}" y="{h-15}" text-anchor="middle">n (training points)</text>')
    for i, (name, values, colour) in enumerate(series):
        pts = " ".join(f"{X(x):.1f},{Y(v):.1f}" for x, v in zip(xs, values))
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{pts}"/>')
        for x, v in zip(xs, values):
            out.append(f'<circle cx="{X(x):.1f}" cy="{Y(v):.1f}" r="3" fill="{colour}"><title>{name} at n={x}: {v:.3g}</title></circle>')
        k = fit(xs, values)
        out.append(f'<text x="{m+10}" y="{m+16*i}" fill="{colour}">{name}, exponent {k:.2f}</text>')
    out.append("</svg>")
    open(path, "w").write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,30000,100000,300000")
    ap.add_argument("--dim", type=int, default=768)
    ap.add_argument("--labels", type=int, default=20)
    ap.add_argument("--tangle", type=float, default=0.3)
    ap.add_argument("--cap", default="4G", help="memory cap for run-capped")
    ap.add_argument("--out", default="bench-scale")
    ap.add_argument("--keep", action="store_true", help="keep the generated stores")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "probe"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    probe = os.path.join(ROOT, ".build/release/probe")
    capped = os.path.join(ROOT, "..", "shared", "tools", "run-capped")
    use_cap = os.path.exists(capped) and os.geteuid() == 0
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        store = os.path.join(args.out, f"task-{n}.h5")
        if not os.path.exists(store):
            subprocess.run([sys.executable, os.path.join(ROOT, "tools/gen-task.py"), store, "--rows", str(n), "--dim", str(args.dim),
                            "--labels", str(args.labels), "--tangle", str(args.tangle), "--format", "h5"], check=True, stderr=subprocess.DEVNULL)
        results = os.path.join(args.out, f"results-{n}")
        shutil.rmtree(results, ignore_errors=True)
        config = os.path.join(args.out, f"config-{n}.ini")
        open(config, "w").write(f"[run]\noutput_path = {results}\nmemory = 1G\n[data]\nstore = {store}\nlabel_set_path = ${{store}}\n"
                                f"entities_path = ${{store}}:train\nembeddings_path = ${{store}}:synthetic/train/0/1\n"
                                f"[clustering]\nmode = probing\nrate = 0.05\n")
        command = [probe, "--config", config, "--quiet"]
        if use_cap:
            command = [capped, args.cap] + command
        started = time.time()
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.time() - started
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            sys.exit(f"probe failed at n={n}")
        peak = re.search(r"peak=(\d+)", done.stderr)
        summary = json.load(open(os.path.join(results, "summary.json")))
        rss = summary.get("peak_memory_bytes") or 0
        rows.append({"n": n, "seconds": seconds, "peak_mb": (int(peak.group(1)) if peak else rss) / 1e6, "rss_mb": rss / 1e6,
                     "clusters": summary.get("clusters"), "linear": summary.get("linear"), "timings": summary.get("timings_seconds")})
        print(f"n={n:>8}  {seconds:8.1f} s  peak {rows[-1]['peak_mb']:8.1f} MB  rss {rows[-1]['rss_mb']:8.1f} MB  "
              f"clusters {summary.get('clusters')}  linear {summary.get('linear')}", flush=True)
        if not args.keep:
            os.remove(store)
    print()
    print(f"{'n':>8} {'time (s)':>10} {'peak (MB)':>10} {'rss (MB)':>10}")
    for r in rows:
        print(f"{r['n']:>8} {r['seconds']:>10.1f} {r['peak_mb']:>10.1f} {r['rss_mb']:>10.1f}")
    if len(rows) > 1:
        print(f"time ~ n^{fit([r['n'] for r in rows], [r['seconds'] for r in rows]):.2f}, "
              f"memory ~ n^{fit([r['n'] for r in rows], [r['peak_mb'] for r in rows]):.2f}")
        svg(rows, os.path.join(args.out, "scale.svg"))
    json.dump(rows, open(os.path.join(args.out, "scale.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
