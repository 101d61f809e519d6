#!/usr/bin/env python3
"""Turns criterion's estimates from one run of benches/benches/tokens.rs into one table.

    python3 scripts/bench_table.py ROOT [ROOT...] [--markdown] [--no-goals] [--json OUT]

Each ROOT is a criterion output directory (TARGET_DIR/criterion) or one written by the
interleaved runner (TARGET_DIR/interleaved-N). Reads every <group>/<function>/new/
{benchmark,estimates}.json and takes the median (ns/op); with several ROOTs (separate processes
of the same binary), the median across them, the interval then being their min-max. Prints, per
operation and algorithm, each contender's time, its ratio against jsonwebtoken's way of doing
the same thing and against the floor, all from the same run; then the issue's goals with
ok/FAIL. Exit status 0 whatever the goals say (it reports, it does not judge CI).
"""
import json
import os
import sys

# The jsonwebtoken row each operation compares with, and the floor row.
PEER = {
    "encode": "jsonwebtoken",
    "create": "jsonwebtoken_2uuid",
    "decode": "jsonwebtoken",
    "verify": "jsonwebtoken_handwritten",
}
OPS = ["encode", "create", "decode", "verify"]
ALGS = ["HS256", "HS384", "HS512"]


def load(root):
    rows = {}
    for group in sorted(os.listdir(root)):
        gdir = os.path.join(root, group)
        if not os.path.isdir(gdir) or group == "report":
            continue
        for func in sorted(os.listdir(gdir)):
            new = os.path.join(gdir, func, "new")
            try:
                with open(os.path.join(new, "benchmark.json")) as f:
                    meta = json.load(f)
                with open(os.path.join(new, "estimates.json")) as f:
                    est = json.load(f)
            except (OSError, ValueError):
                continue
            median = est["median"]
            rows[(meta["group_id"], meta["function_id"])] = {
                "ns": median["point_estimate"],
                "lo": median["confidence_interval"]["lower_bound"],
                "hi": median["confidence_interval"]["upper_bound"],
            }
    return rows


def fmt_ns(ns):
    return f"{ns:,.0f}"


def main():
    args = sys.argv[1:]
    markdown = "--markdown" in args
    # --no-goals: the tables only (the cold pass: the goals are judged on the interleaved one).
    judge = "--no-goals" not in args
    json_out = None
    if "--json" in args:
        json_out = args[args.index("--json") + 1]
    paths = [a for a in args if not a.startswith("--") and a != json_out]
    roots = paths or [os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "criterion")]
    runs = [load(root) for root in roots]
    runs = [r for r in runs if r]
    if not runs:
        print(f"no estimates under {roots}", file=sys.stderr)
        return 1
    if len(runs) == 1:
        rows = runs[0]
    else:
        rows = {}
        for key in set().union(*runs):
            values = sorted(r[key]["ns"] for r in runs if key in r)
            mid = len(values) // 2
            median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
            rows[key] = {"ns": median, "lo": values[0], "hi": values[-1]}

    table = []
    for op in OPS:
        for alg in ALGS:
            group = f"{op}_{alg}"
            funcs = [f for (g, f) in rows if g == group]
            if not funcs:
                continue
            peer = rows.get((group, PEER[op]))
            # verify has no floor of its own: the decode floor is the work it cannot avoid.
            floor = rows.get((group, "floor")) or rows.get((f"decode_{alg}", "floor"))
            order = sorted(funcs, key=lambda f: (f != "jwt_extended", not f.startswith("jwt_extended"), f))
            for func in order:
                r = rows[(group, func)]
                table.append({
                    "op": op,
                    "alg": alg,
                    "contender": func,
                    "ns": r["ns"],
                    "ci": [r["lo"], r["hi"]],
                    "vs_jsonwebtoken": r["ns"] / peer["ns"] if peer else None,
                    "vs_floor": r["ns"] / floor["ns"] if floor else None,
                })
    prims = sorted(((f, r) for (g, f), r in rows.items() if g.startswith("prim_")), key=lambda x: x[0])

    def ratio(x):
        return f"{x:.2f}x" if x is not None else "-"

    if markdown:
        print("| op | alg | contender | ns/op (median) | vs jsonwebtoken | vs floor |")
        print("|---|---|---|---:|---:|---:|")
        for t in table:
            name = f"**{t['contender']}**" if t["contender"] == "jwt_extended" else t["contender"]
            print(f"| {t['op']} | {t['alg']} | {name} | {fmt_ns(t['ns'])} | {ratio(t['vs_jsonwebtoken'])} | {ratio(t['vs_floor'])} |")
    else:
        # criterion's estimates carry its 95 % interval; the interleaved and cold runners write
        # the interquartile range in the same place.
        criterion = any(os.path.basename(os.path.normpath(r)) == "criterion" for r in roots)
        spread = (("95% CI of median" if criterion else "interquartile")
                  if len(runs) == 1 else f"min-max of {len(runs)}")
        print(f"{'op':<7} {'alg':<6} {'contender':<27} {'ns/op':>9} {spread:>18} {'vs jwt':>8} {'vs floor':>9}")
        last = None
        for t in table:
            if last and last != (t["op"], t["alg"]):
                print()
            last = (t["op"], t["alg"])
            ci = f"{fmt_ns(t['ci'][0])}-{fmt_ns(t['ci'][1])}"
            print(f"{t['op']:<7} {t['alg']:<6} {t['contender']:<27} {fmt_ns(t['ns']):>9} {ci:>18} {ratio(t['vs_jsonwebtoken']):>8} {ratio(t['vs_floor']):>9}")
    if prims:
        print()
        print("primitives (HS256 unless named):" if not markdown else "\n| primitive (HS256 unless named) | ns/op |\n|---|---:|")
        for f, r in prims:
            print(f"| {f} | {fmt_ns(r['ns'])} |" if markdown else f"  {f:<22} {fmt_ns(r['ns']):>9}")

    # The goals of issue 5, each a ratio within this run.
    def ns(group, func):
        r = rows.get((group, func))
        return r["ns"] if r else None

    goals = []
    for alg in ALGS:
        checks = [
            ("decode+validate vs jsonwebtoken", ns(f"decode_{alg}", "jwt_extended"), ns(f"decode_{alg}", "jsonwebtoken"), 0.45),
            ("decode+validate vs floor", ns(f"decode_{alg}", "jwt_extended"), ns(f"decode_{alg}", "floor"), 1.10),
            ("encode vs jsonwebtoken", ns(f"encode_{alg}", "jwt_extended"), ns(f"encode_{alg}", "jsonwebtoken"), 0.50),
            ("create_access_token vs jsonwebtoken+2 uuids", ns(f"create_{alg}", "jwt_extended"), ns(f"create_{alg}", "jsonwebtoken_2uuid"), 0.35),
            ("verify_request vs decode+validate", ns(f"verify_{alg}", "jwt_extended"), ns(f"decode_{alg}", "jwt_extended"), 1.15),
        ]
        for name, a, b, limit in checks:
            if a is None or b is None:
                continue
            r = a / b
            goals.append({"alg": alg, "goal": name, "ratio": r, "limit": limit, "holds": r <= limit})
    if not judge:
        goals = []
    elif markdown:
        print()
        print("| alg | goal | measured | limit | holds |\n|---|---|---:|---:|---|")
        for g in goals:
            print(f"| {g['alg']} | {g['goal']} | {g['ratio']:.2f}x | <= {g['limit']:.2f}x | {'yes' if g['holds'] else '**no**'} |")
    else:
        print()
        print("goals (ratios in this run):")
        for g in goals:
            print(f"  {g['alg']:<6} {g['goal']:<46} {g['ratio']:>6.2f}x  (<= {g['limit']:.2f}x)  {'ok' if g['holds'] else 'FAIL'}")

    if json_out:
        with open(json_out, "w") as f:
            json.dump({"table": table, "primitives": {f: r for f, r in prims}, "goals": goals}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
