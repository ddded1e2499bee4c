#!/usr/bin/env python3
"""Recall and structure check of `scrubline redact --input json` on a corpus's logs.jsonl.

Usage: python3 scripts/json_recall.py --bin target/release/scrubline DIR

DIR is made by `python3 shared/bench/corpus.py --size-mib 16 DIR`. For every planted value of
DIR/logs.jsonl.truth.jsonl it checks that the value (as it appears in the file, JSON-escaped) is
gone from its output line, and for every decoy that it is still there. Every output line must be
valid JSON with the same keys, in the same order, as its input line. Prints recall per type;
exits 1 if a type is under 99%, a decoy was redacted, or a line lost its structure.
"""
import argparse
import bisect
import collections
import json
import subprocess
import sys
import time


def keys(v, path=""):
    """Every key path, in order (list elements share their parent's path)."""
    out = []
    if isinstance(v, dict):
        for k, x in v.items():
            out.append(path + "/" + k)
            out.extend(keys(x, path + "/" + k))
    elif isinstance(v, list):
        for x in v:
            out.extend(keys(x, path + "[]"))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/scrubline")
    ap.add_argument("dir")
    a = ap.parse_args()
    src = a.dir.rstrip("/") + "/logs.jsonl"
    data = open(src, "rb").read()
    t = time.perf_counter()
    out = subprocess.run([a.bin, "redact", "--input", "json", src], capture_output=True, check=False)
    elapsed = time.perf_counter() - t
    if out.returncode not in (0, 1):
        sys.exit("scrubline failed: " + out.stderr.decode(errors="replace"))
    in_lines = data.split(b"\n")
    out_lines = out.stdout.split(b"\n")
    if len(in_lines) != len(out_lines):
        sys.exit(f"line count changed: {len(in_lines)} -> {len(out_lines)}")
    starts = [0]
    for line in in_lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    bad = 0
    for i, (x, y) in enumerate(zip(in_lines, out_lines)):
        if not x.strip():
            continue
        try:
            vx, vy = json.loads(x), json.loads(y)
        except ValueError:
            bad += 1
            if bad <= 3:
                print(f"line {i + 1}: output is not valid JSON")
            continue
        if keys(vx) != keys(vy):
            bad += 1
            if bad <= 3:
                print(f"line {i + 1}: keys changed")
    found = collections.Counter()
    total = collections.Counter()
    decoys_hit = 0
    for t_line in open(src + ".truth.jsonl", encoding="utf-8"):
        t_ = json.loads(t_line)
        li = bisect.bisect_right(starts, t_["offset"]) - 1
        raw = data[t_["offset"]:t_["offset"] + t_["length"]]
        still = raw in out_lines[li]
        if t_["decoy"]:
            decoys_hit += not still
        else:
            total[t_["type"]] += 1
            found[t_["type"]] += not still
    worst = 1.0
    for ty in sorted(total):
        r = found[ty] / total[ty]
        worst = min(worst, r)
        print(f"{ty:20} {found[ty]:6}/{total[ty]:<6} {100 * r:6.2f}%")
    mb = len(data) / 1e6
    print(f"decoys redacted: {decoys_hit}; lines not valid JSON or with other keys: {bad}")
    print(f"{mb:.1f} MB in {elapsed:.3f} s wall (process start included): {mb / elapsed:.0f} MB/s")
    sys.exit(0 if worst >= 0.99 and decoys_hit == 0 and bad == 0 else 1)


if __name__ == "__main__":
    main()
