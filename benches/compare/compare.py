#!/usr/bin/env python3
"""Runs scrubline and its peers over the same corpus files, interleaved, and writes
results/compare.{json,md,png}. Started by run.sh (which installs the peers); see README.md.

    .venv/bin/python compare.py --corpus ../../bench-corpus --bin ../../target/release/scrubline

Every measurement is one core (`taskset -c 0`), and throughput is bytes per CPU second of the
measured process (wall time is recorded too). Peers are timed inside their process after a
warm-up (start-up and module import excluded); the scrubline CLI is timed from outside, less its
start-up on a one-line file (as ../../shared/bench/score.py does). Each round visits every
corpus and, per corpus, alternates scrubline and peer measurements; the best of the rounds is
kept, so a noisy moment on the shared machine hits both sides alike.
"""
import argparse
import bisect
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPORA = ["logs.txt", "logs.jsonl", "prompts.txt", "code.txt", "stdlib.txt"]
KIB = 1024
MIB = 1024 * 1024

# name, adapter, slice bytes (None: the whole file), scope (families scored), package(s)
PEERS = [
    ("kingfisher", "py", None, "secret", "PyPI kingfisher-secret-scanner"),
    ("secretlint", "node", None, "secret",
     "npm secretlint + @secretlint/secretlint-rule-preset-recommend"),
    ("arcjet-redact", "node", 1 * MIB, "pii", "npm @arcjet/redact"),
    ("redact-pii", "node", 1 * MIB, "pii", "npm redact-pii"),
    ("detect-secrets", "py", 256 * KIB, "secret", "PyPI detect-secrets"),
    ("presidio", "py", 256 * KIB, "pii", "PyPI presidio-analyzer (pattern recognizers)"),
]
ADAPTER_TOOL = {"arcjet-redact": "arcjet"}
# warmed up on the whole input before timing (fast tools, where one-time costs such as lazily
# compiled regexes would show); the slow ones warm up on 16 KiB (a whole extra pass would cost
# minutes, and their one-time costs vanish next to their scan)
WARM_FULL = {"scrubline-py", "kingfisher", "secretlint"}
SCOPES = {"secret": {"secret"}, "pii": {"pii", "card"}, "all": {"pii", "card", "secret"}}
SCOPE_LABEL = {"secret": "secrets", "pii": "PII+cards", "all": "all"}
# Throughput is bytes per CPU second of the (pinned) process: on a shared machine, CPU time
# drifts far less than wall time when other work preempts the measured process. Wall-clock
# figures are kept in compare.json and given in the detailed table.
CLOCK = "cpu"


def human(n):
    if n >= MIB and n % MIB == 0:
        return "%d MiB" % (n // MIB)
    if n >= MIB:
        return "%.1f MiB" % (n / MIB)
    return "%d KiB" % (n // KIB)


def pin():
    if shutil.which("taskset"):
        cpu = sorted(os.sched_getaffinity(0))[0]
        return ["taskset", "-c", str(cpu)]
    return []


# ----------------------------------------------------------------------------- corpus slices
FRESH = set()  # work files written in this run: stale ones from an older corpus are never reused


def make_slice(src, dst, size):
    """The first `size` bytes of src, cut back to the last line end."""
    if dst in FRESH:
        return os.path.getsize(dst)
    FRESH.add(dst)
    with open(src, "rb") as f:
        data = f.read(size)
    if len(data) == size:
        data = data[:data.rfind(b"\n") + 1]
    with open(dst, "wb") as f:
        f.write(data)
    return len(data)


def make_repeated(src, dst, target):
    """src repeated until at least `target` bytes: the CLI's per-byte cost on a slice, with its
    start-up small next to the scan."""
    if dst in FRESH:
        return os.path.getsize(dst)
    FRESH.add(dst)
    data = open(src, "rb").read()
    k = max(1, -(-target // len(data)))
    with open(dst, "wb") as f:
        for _ in range(k):
            f.write(data)
    return len(data) * k


def load_truth(path, limit):
    out = []
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            if t["offset"] + t["length"] <= limit:
                out.append(t)
    return out


# ----------------------------------------------------------------------------- scoring
def merged(spans):
    out = []
    for s, e in sorted((int(a), int(b)) for a, b in spans if b > a):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out


def score_spans(truth, spans):
    """Per type [planted, found] and decoys [planted, flagged], a hit being any overlap."""
    m = merged(spans)
    starts = [x[0] for x in m]
    types, decoys = {}, [0, 0]
    for t in truth:
        o, e = t["offset"], t["offset"] + t["length"]
        i = bisect.bisect_left(starts, e) - 1
        hit = i >= 0 and m[i][1] > o
        if t["decoy"]:
            decoys[0] += 1
            decoys[1] += int(hit)
        else:
            c = types.setdefault(t["type"], [0, 0, t["family"]])
            c[0] += 1
            c[1] += int(hit)
    return types, decoys


def score_lines(truth, data, lines):
    """For text-only redactors: a planted value counts as found when it no longer appears
    verbatim in its line after the line was redacted (its first line, if it spans several)."""
    starts = [0]
    for i, ch in enumerate(data):
        if ch == 10:
            starts.append(i + 1)
    types, decoys = {}, [0, 0]
    for t in truth:
        o = t["offset"]
        ln = bisect.bisect_right(starts, o) - 1
        raw = data[o:o + t["length"]].split(b"\n")[0].decode("utf-8", "replace")
        hit = ln < len(lines) and raw not in lines[ln]
        if t["decoy"]:
            decoys[0] += 1
            decoys[1] += int(hit)
        else:
            c = types.setdefault(t["type"], [0, 0, t["family"]])
            c[0] += 1
            c[1] += int(hit)
    return types, decoys


def recall(types, scope):
    fams = SCOPES[scope]
    n = sum(v[0] for v in types.values() if v[2] in fams)
    h = sum(v[1] for v in types.values() if v[2] in fams)
    return (h, n)


# ----------------------------------------------------------------------------- runners
class Runner:
    def __init__(self, a):
        self.a = a
        self.pin = pin()
        self.py = os.path.join(HERE, ".venv", "bin", "python")
        self.errors = {}
        self.tiny = os.path.join(a.work, "tiny.txt")
        with open(self.tiny, "w") as f:
            f.write("hello world\n")

    def wall(self, argv):
        """(wall seconds, CPU seconds) of one child process."""
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(self.pin + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL)
        t = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode not in (0, 1):
            raise RuntimeError("%s exited %d: %s" % (argv[0], p.returncode,
                                                     p.stderr.decode(errors="replace")[-300:]))
        return t, (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)

    def cli_startup(self):
        runs = [self.wall([self.a.bin, "redact", self.tiny]) for _ in range(2)]
        return min(x[0] for x in runs), min(x[1] for x in runs)

    def cli_time(self, path):
        return self.wall([self.a.bin, "redact", path])

    def cli_spans(self, path):
        p = subprocess.run([self.a.bin, "scan", "--format", "jsonl", path], capture_output=True,
                           stdin=subprocess.DEVNULL)
        if p.returncode not in (0, 1):
            raise RuntimeError("scan exited %d" % p.returncode)
        out = []
        for line in p.stdout.decode("utf-8", "replace").splitlines():
            if line.startswith("{"):
                r = json.loads(line)
                out.append((r["start"], r["end"]))
        return out

    def adapter(self, name, kind, path, reps, dump=None):
        tool = ADAPTER_TOOL.get(name, name)
        if kind == "py":
            argv = [self.py, os.path.join(HERE, "peers", "py_peer.py"), tool, path, str(reps),
                    "--cache", os.path.join(self.a.work, "kingfisher-cache")]
        else:
            argv = ["node", os.path.join(HERE, "peers", "node_peer.mjs"), tool, path, str(reps)]
        if dump:
            argv += ["--dump", dump]
        if name in WARM_FULL:
            argv.append("--warm-full")
        p = subprocess.run(self.pin + argv, capture_output=True, stdin=subprocess.DEVNULL,
                           timeout=self.a.timeout, cwd=HERE)
        lines = [x for x in p.stdout.decode("utf-8", "replace").splitlines() if x.startswith("{")]
        if not lines:
            raise RuntimeError("no result (exit %d): %s" % (
                p.returncode, p.stderr.decode("utf-8", "replace")[-400:]))
        r = json.loads(lines[-1])
        if "error" in r:
            raise RuntimeError(r["error"])
        return r


# ----------------------------------------------------------------------------- main run
def machine():
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    osname = platform.platform()
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                osname = line.split("=", 1)[1].strip().strip('"') + ", Linux " + platform.release()
    except OSError:
        pass
    fam = {}
    try:
        for line in open("/proc/cpuinfo"):
            k, _, v = line.partition(":")
            if k.strip() in ("cpu family", "model", "cpu MHz", "flags") and k.strip() not in fam:
                fam[k.strip()] = v.strip()
    except OSError:
        pass
    if "cpu family" in fam:
        model += " (family %s model %s, %.1f GHz%s%s)" % (
            fam["cpu family"], fam.get("model", "?"), float(fam.get("cpu MHz", 0)) / 1000,
            ", AVX-512" if " avx512f" in " " + fam.get("flags", "") else "",
            ", virtual machine" if "hypervisor" in fam.get("flags", "").split() else "")
    return {"nproc": os.cpu_count(), "cpu": model, "os": osname,
            "python": platform.python_version(),
            "node": subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
            if shutil.which("node") else None}


def run(a):
    os.makedirs(a.work, exist_ok=True)
    r = Runner(a)
    files = [c for c in CORPORA if c in a.files.split(",")] if a.files else CORPORA
    files = [c for c in files if os.path.exists(os.path.join(a.corpus, c))]
    version = subprocess.run([a.bin, "--version"], capture_output=True, text=True).stdout.strip()
    install = {}
    if a.install_log and os.path.exists(a.install_log):
        for line in open(a.install_log):
            parts = line.rstrip("\n").split("\t", 2)
            if len(parts) == 3:
                install[parts[0]] = {"status": parts[1], "detail": parts[2]}
    res = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "machine": machine(), "load_start": os.getloadavg(), "rounds": a.rounds,
           "scrubline": version, "install": install, "peers": {}, "rows": {}}
    slices = sorted({p[2] for p in PEERS if p[2]})
    # what to measure per corpus, in the order of a round (scrubline and peers alternate)
    plan = [("scrubline-cli", None), ("kingfisher", None), ("scrubline-py", None),
            ("secretlint", None)]
    for s in slices:
        plan.append(("scrubline-cli", s))
        plan += [(p[0], s) for p in PEERS if p[2] == s][:1]
        plan.append(("scrubline-py", s))
        plan += [(p[0], s) for p in PEERS if p[2] == s][1:]
    peer_info = {p[0]: p for p in PEERS}
    dead = set()  # tools that failed to load: not retried
    for name in ("scrubline-py",) + tuple(p[0] for p in PEERS):
        pkg = {"scrubline-py": "scrubline-python-binding"}.get(name)
        for key, st in install.items():
            if st["status"] != "ok" and (key == pkg or key in peer_info.get(name, ("",) * 5)[4]):
                dead.add(name)
                r.errors[name] = "install failed: " + st["detail"]
    t_start = time.time()
    for rnd in range(a.rounds):
        for corpus in files:
            src = os.path.join(a.corpus, corpus)
            full = os.path.getsize(src)
            paths = {None: src}
            for s in slices:
                paths[s] = os.path.join(a.work, "%s.%dk" % (corpus, s // KIB))
                make_slice(src, paths[s], s)
            startup = r.cli_startup()
            for tool, size in plan:
                key = "%s|%s|%s" % (corpus, tool, size or "full")
                row = res["rows"].setdefault(key, {"corpus": corpus, "tool": tool,
                                                   "slice": size, "times": []})
                if tool in dead:
                    row["error"] = r.errors.get(tool)
                    continue
                path = paths[size]
                first = rnd == 0
                try:
                    if tool == "scrubline-cli":
                        target = path
                        if size:  # repeat the slice so the scan dwarfs start-up
                            target = path + ".rep"
                            row["bytes_timed"] = make_repeated(path, target, full)
                        else:
                            row["bytes_timed"] = full
                        t, c = r.cli_time(target)
                        row["times"].append(t)
                        row.setdefault("cpu", []).append(c)
                        row.setdefault("startup", []).append(startup[0])
                        row.setdefault("startup_cpu", []).append(startup[1])
                        row["bytes"] = os.path.getsize(path)
                        row["version"] = version.split()[-1]
                        if first:
                            row["spans"] = r.cli_spans(path)
                    else:
                        dump = os.path.join(a.work, "dump.json") if first and tool != "scrubline-py" else None
                        reps = 1
                        out = r.adapter(tool, "py" if tool == "scrubline-py" else peer_info[tool][1],
                                        path, reps, dump)
                        row["times"].extend(out["times"])
                        row.setdefault("cpu", []).extend(out.get("cpu", []))
                        row["bytes"] = out["bytes"]
                        row["bytes_timed"] = out["bytes"]
                        row["version"] = out["version"]
                        row["timing"] = out.get("timing")
                        if out.get("traps"):
                            row["traps"] = max(row.get("traps", 0), out["traps"])
                        if dump:
                            d = json.load(open(dump))
                            row["dump_kind"] = "spans" if "spans" in d else "lines"
                            row["dump"] = d.get("spans") if "spans" in d else d.get("lines")
                except Exception as e:  # recorded, not fatal
                    msg = [x for x in str(e).strip().splitlines() if x.strip()]
                    pick = msg[-1] if msg and "Traceback" in msg[0] else (msg[0] if msg else repr(e))
                    row["error"] = pick.strip()[:300]
                    if not row["times"]:
                        dead.add(tool)
                        r.errors[tool] = row["error"]
                print("[%5.0fs] round %d %-12s %-15s %-8s %s" % (
                    time.time() - t_start, rnd + 1, corpus, tool, human(size) if size else "full",
                    ("%.3fs" % row["times"][-1]) if row["times"] and not row.get("error") else
                    row.get("error", "")[:80]), file=sys.stderr, flush=True)
    res["load_end"] = os.getloadavg()
    res["elapsed_s"] = round(time.time() - t_start)
    # scoring
    for key, row in res["rows"].items():
        truth_path = os.path.join(a.corpus, row["corpus"] + ".truth.jsonl")
        spans, lines = row.pop("spans", None), None
        if row.get("dump_kind") == "lines":
            lines = row.pop("dump")
        elif row.get("dump_kind") == "spans":
            spans = row.pop("dump")
        row.pop("dump", None)
        if spans is None and lines is None:
            continue
        path = os.path.join(a.corpus, row["corpus"]) if not row["slice"] else \
            os.path.join(a.work, "%s.%dk" % (row["corpus"], row["slice"] // KIB))
        data = open(path, "rb").read()
        truth = load_truth(truth_path, len(data))
        if truth is None:  # stdlib.txt: no ground truth; count what was reported
            if spans is not None:
                row["findings"] = len(merged(spans))
            else:
                orig = data.decode("utf-8").split("\n")
                row["lines_changed"] = sum(1 for x, y in zip(orig, lines) if x != y)
            continue
        if spans is not None:
            types, decoys = score_spans(truth, spans)
        else:
            types, decoys = score_lines(truth, data, lines)
        row["types"], row["decoys"] = types, decoys
    for p in PEERS:
        res["peers"][p[0]] = {"adapter": p[1], "slice": p[2], "scope": p[3], "package": p[4],
                              "error": r.errors.get(p[0])}
    res["peers"]["scrubline-py"] = {"error": r.errors.get("scrubline-py")}
    return res


# ----------------------------------------------------------------------------- report
def mbps(row, clock=None):
    """Throughput from CPU time (default; what the report shows) or wall time."""
    clock = clock or CLOCK
    if not row.get("times"):
        return None
    if clock == "cpu" and row.get("cpu"):
        t = min(row["cpu"])
        if row["tool"] == "scrubline-cli":
            t -= min(row.get("startup_cpu") or [0])
    else:
        t = min(row["times"])
        if row["tool"] == "scrubline-cli":
            t -= min(row.get("startup") or [0])
    return row["bytes_timed"] / max(t, 1e-6) / 1e6


def fmt_rate(x):
    if x is None:
        return "—"
    if x >= 100:
        return "%.0f" % x
    if x >= 1:
        return "%.1f" % x
    return "%.3f" % x if x < 0.1 else "%.2f" % x


def fmt_recall(row, scope):
    if "types" not in row:
        return None
    h, n = recall(row["types"], scope)
    return "%.1f%% (%d/%d)" % (100.0 * h / n, h, n) if n else "n/a"


LABEL = {"scrubline-cli": "scrubline CLI", "scrubline-py": "scrubline Python binding"}


def report(res, out_dir):
    rows = res["rows"]
    m = res["machine"]
    L = []
    L.append("# scrubline compared with other scanners\n")
    L.append("Generated by `benches/compare/run.sh` on %s (%d rounds, %d s). Machine: %s, `nproc` %s, %s; "
             "Python %s, Node %s; load average %.2f at the start, %.2f at the end (the machine is "
             "shared: numbers are noisy, and scrubline and peer measurements were interleaved so "
             "that noise hits both). scrubline: `%s`.\n" % (
                 res["date"], res["rounds"], res.get("elapsed_s", 0), m["cpu"], m["nproc"], m["os"],
                 m["python"], m["node"], res["load_start"][0], res["load_end"][0], res["scrubline"]))
    L.append("MB/s = 10^6 bytes of the scanned file per CPU second (user + system) of a process "
             "pinned to one core (`taskset -c 0`), best of the rounds; CPU time rather than wall "
             "time because the machine is shared (wall-clock MB/s, more affected by other work, "
             "are in the last table's notes and in compare.json). Peers: inside their own "
             "process, after a warm-up (on the whole input for "
             "kingfisher, secretlint and the scrubline binding; on the first 16 KiB for the slow "
             "ones), start-up and imports excluded. scrubline CLI: `scrubline redact FILE > /dev/null` "
             "less its start-up on a one-line file (for a slice: the slice repeated to the full "
             "file's size). scrubline Python binding: `scrubline.redact(text)` in process, like "
             "the peers. scrubline *redacts* (detect, replace, re-scan the output); detectors only "
             "detect, so ratios understate scrubline's advantage on equal work. "
             "Ratio = scrubline ÷ peer on the same bytes. Recall = planted values of the peer's "
             "scope (secrets, or PII+cards) overlapped by a finding; \"scrubline\" in that cell is "
             "scrubline's recall on the same bytes and scope. Decoys (UUIDs, timestamps, hashes, "
             "order numbers, Luhn-invalid numbers, versions) should not be flagged.\n")
    L.extend(summary(res))
    L.append("\nEvery measurement:\n")
    L.append("| corpus | tool | version | bytes scanned | MB/s | × scrubline CLI | × scrubline Python | "
             "recall (tool's scope) | notes |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for corpus in CORPORA:
        crow = [v for v in rows.values() if v["corpus"] == corpus]
        if not crow:
            continue
        by = {(v["tool"], v["slice"]): v for v in crow}
        order = [("scrubline-cli", None), ("scrubline-py", None)]
        for p in PEERS:
            if p[2]:
                order += [("scrubline-cli", p[2]), ("scrubline-py", p[2])]
        seen = set()
        entries = []
        for p in PEERS:
            entries.append((p[0], p[2]))
        for tool, size in order + entries:
            if (tool, size) in seen or (tool, size) not in by:
                continue
            seen.add((tool, size))
            v = by[(tool, size)]
            rate = mbps(v)
            scope = "all"
            notes = []
            ratio_cli = ratio_py = "—"
            if tool in LABEL:
                name = LABEL[tool]
                rec = None
                if "types" in v:
                    rec = "PII+cards %s; secrets %s" % (fmt_recall(v, "pii"), fmt_recall(v, "secret"))
            else:
                name = tool
                info = res["peers"][tool]
                scope = info["scope"]
                rec = fmt_recall(v, scope)
                s_cli = by.get(("scrubline-cli", size))
                s_py = by.get(("scrubline-py", size))
                if rec and s_cli and "types" in s_cli:
                    rec += "; scrubline %s" % fmt_recall(s_cli, scope).split(" ")[0]
                if rate and s_cli and mbps(s_cli):
                    ratio_cli = "%.0f×" % (mbps(s_cli) / rate) if mbps(s_cli) / rate >= 10 else \
                        "%.1f×" % (mbps(s_cli) / rate)
                if rate and s_py and mbps(s_py):
                    ratio_py = "%.0f×" % (mbps(s_py) / rate) if mbps(s_py) / rate >= 10 else \
                        "%.1f×" % (mbps(s_py) / rate)
            if v.get("decoys") and v["decoys"][0]:
                notes.append("decoys flagged %d/%d" % (v["decoys"][1], v["decoys"][0]))
            if v.get("findings") is not None:
                notes.append("%d findings (no ground truth)" % v["findings"])
            if v.get("lines_changed") is not None:
                notes.append("%d lines redacted (no ground truth)" % v["lines_changed"])
            if v.get("cpu") and v.get("times"):
                notes.append("wall %s MB/s" % fmt_rate(mbps(v, "wall")))
            if v.get("traps"):
                notes.append("%d pieces trapped in wasm and were split" % v["traps"])
            if tool == "arcjet-redact":
                notes.append("fed in ≤16 KiB pieces")
            if v.get("error"):
                notes.append("error: " + v["error"].replace("|", "/")[:160])
            if tool == "scrubline-cli" and size:
                notes.append("timed on the slice ×%d" % round(v.get("bytes_timed", 0) / max(v.get("bytes", 1), 1)))
            version = (v.get("version") or "").split(" (")[0]
            bytes_s = "%s (%s)" % ("{:,}".format(v["bytes"]), "full" if not size else "first " + human(size)) \
                if v.get("bytes") else "—"
            L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                corpus, name, version or "—", bytes_s, fmt_rate(rate), ratio_cli, ratio_py,
                rec or "—", "; ".join(notes)))
    # per type recall, pooled over the synthetic corpora
    L.append("\nRecall per planted type, pooled over the four synthetic corpora, each tool on the "
             "bytes it scanned (`found/planted`), with scrubline on the same bytes in brackets; "
             "blank: outside the tool's scope.\n")
    tools = [("scrubline-cli", None)] + [(p[0], p[2]) for p in PEERS]
    pooled = {}
    for (tool, size) in tools:
        for v in rows.values():
            if v["tool"] == tool and v["slice"] == size and "types" in v:
                s = rows.get("%s|scrubline-cli|%s" % (v["corpus"], size or "full"))
                for t, (n, h, fam) in v["types"].items():
                    c = pooled.setdefault(t, {}).setdefault(tool, [0, 0, 0, fam])
                    c[0] += n
                    c[1] += h
                    if s and "types" in s and t in s["types"]:
                        c[2] += s["types"][t][1]
    fam_of = {t: next(iter(d.values()))[3] for t, d in pooled.items()}
    L.append("| type | " + " | ".join(LABEL.get(t, t) + ("" if not s else " (%s)" % human(s))
                                       for t, s in tools) + " |")
    L.append("|---|" + "---|" * len(tools))
    for t in sorted(pooled, key=lambda x: (fam_of[x], x)):
        cells = []
        for tool, size in tools:
            c = pooled[t].get(tool)
            scope = "all" if tool == "scrubline-cli" else res["peers"][tool]["scope"]
            if not c or fam_of[t] not in SCOPES[scope]:
                cells.append("")
            elif tool == "scrubline-cli":
                cells.append("%d/%d" % (c[1], c[0]))
            else:
                cells.append("%d/%d (%d)" % (c[1], c[0], c[2]))
        L.append("| %s (%s) | %s |" % (t, fam_of[t], " | ".join(cells)))
    # peers and failures
    L.append("\nPeers (installed by package name by `run.sh`):\n")
    for p in PEERS:
        info = res["peers"][p[0]]
        v = next((x for x in rows.values() if x["tool"] == p[0] and x.get("version")), None)
        detail = (v.get("version") if v else "") or ""
        line = "- **%s** — %s; %s; scope: %s%s" % (
            p[0], p[4], "whole files" if not p[2] else "first %s of each file" % human(p[2]),
            SCOPE_LABEL[p[3]], ("; " + detail) if " (" in detail else "")
        if info.get("error"):
            line += ". **Failed**: " + info["error"].replace("\n", " ")[:300]
        L.append(line)
    err = res["peers"].get("scrubline-py", {}).get("error")
    if err:
        L.append("- scrubline Python binding: **not measured**: " + err.replace("\n", " ")[:300])
    bad = {k: v for k, v in res.get("install", {}).items() if v["status"] != "ok"}
    for k, v in bad.items():
        L.append("- install of `%s` failed: %s" % (k, v["detail"][:300]))
    L.append("")
    with open(os.path.join(out_dir, "compare.md"), "w") as f:
        f.write("\n".join(L))
    chart(res, os.path.join(out_dir, "compare.png"))


def summary(res):
    """One row per tool: MB/s per corpus with scrubline CLI's multiple on the same bytes, and
    recall pooled over the synthetic corpora."""
    rows = res["rows"]
    corpora = [c for c in CORPORA if any(v["corpus"] == c for v in rows.values())]
    L = ["Summary: MB/s on one core, and in brackets how many times faster the scrubline CLI is "
         "on the same bytes; recall pooled over the four synthetic corpora on the tool's scope, "
         "scrubline's on the same bytes after the slash.\n",
         "| tool | input | " + " | ".join("`%s`" % c for c in corpora) +
         " | recall (scrubline) | decoys flagged |",
         "|---|---|" + "---|" * len(corpora) + "---|---|"]
    tools = [("scrubline-cli", None), ("scrubline-py", None)] + [(p[0], p[2]) for p in PEERS]
    for tool, size in tools:
        cells = []
        h = n = hs = 0
        dec = [0, 0]
        for c in corpora:
            v = rows.get("%s|%s|%s" % (c, tool, size or "full"))
            r = mbps(v) if v else None
            sc = rows.get("%s|scrubline-cli|%s" % (c, size or "full"))
            if r is None:
                cells.append("failed" if v and v.get("error") else "—")
                continue
            cell = fmt_rate(r)
            if tool not in LABEL and sc and mbps(sc):
                x = mbps(sc) / r
                cell += " (%s×)" % ("%.0f" % x if x >= 10 else "%.1f" % x)
            cells.append(cell)
            if v.get("decoys"):
                dec = [dec[0] + v["decoys"][0], dec[1] + v["decoys"][1]]
            if "types" in v:
                scope = "all" if tool in LABEL else res["peers"][tool]["scope"]
                a, b = recall(v["types"], scope)
                h, n = h + a, n + b
                if sc and "types" in sc:
                    hs += recall(sc["types"], scope)[0]
        if tool in LABEL:
            rec = "%.2f%%" % (100.0 * h / n) if n else "—"
            if tool == "scrubline-py":
                rec = "same engine"
        else:
            scope = res["peers"][tool]["scope"]
            rec = "%s %.1f%% / %.1f%%" % (SCOPE_LABEL[scope], 100.0 * h / n, 100.0 * hs / n) if n else "—"
        L.append("| %s | %s | %s | %s | %s |" % (
            LABEL.get(tool, tool), "whole file" if not size else "first " + human(size),
            " | ".join(cells), rec, "%d of %d" % (dec[1], dec[0]) if dec[0] else "—"))
    return L


def chart(res, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no chart", file=sys.stderr)
        return
    rows = res["rows"]
    series = [("scrubline-cli", None), ("scrubline-py", None)] + [(p[0], p[2]) for p in PEERS]
    corpora = [c for c in CORPORA if any(v["corpus"] == c for v in rows.values())]
    fig, ax = plt.subplots(figsize=(10, 4.8), dpi=90)
    width = 0.8 / len(series)
    colors = ["#1b7837", "#5aae61", "#2166ac", "#4393c3", "#b2182b", "#d6604d", "#8c510a", "#bf812d"]
    for i, (tool, size) in enumerate(series):
        xs, ys = [], []
        for j, c in enumerate(corpora):
            v = rows.get("%s|%s|%s" % (c, tool, size or "full"))
            r = mbps(v) if v else None
            if r:
                xs.append(j + (i - (len(series) - 1) / 2) * width)
                ys.append(r)
        label = LABEL.get(tool, tool) + (" (first %s)" % human(size) if size else " (whole file)")
        ax.bar(xs, ys, width, label=label, color=colors[i % len(colors)])
    ax.set_yscale("log")
    ax.set_xticks(range(len(corpora)))
    ax.set_xticklabels(corpora)
    ax.set_ylabel("MB per CPU second, one core (log scale)")
    ax.set_title("Scan throughput per corpus (%s, %s)" % (res["machine"]["cpu"].split(" Processor")[0], res["date"][:10]),
                 fontsize=10)
    ax.grid(axis="y", which="major", alpha=0.3)
    ax.legend(fontsize=7.5, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "bench-corpus"))
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "..", "target", "release", "scrubline"))
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--work", default=os.path.join(HERE, ".work"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--files", default="", help="comma list of corpus files (default: all five)")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per peer call")
    ap.add_argument("--install-log", default=None, help="run.sh's install status (TSV)")
    ap.add_argument("--report-only", action="store_true", help="rewrite md/png from results/compare.json")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    jpath = os.path.join(a.out, "compare.json")
    if a.report_only:
        res = json.load(open(jpath))
    else:
        a.bin = os.path.abspath(a.bin)
        res = run(a)
        with open(jpath, "w") as f:
            json.dump(res, f, indent=1, sort_keys=True)
            f.write("\n")
    report(res, a.out)
    print(open(os.path.join(a.out, "compare.md")).read())


if __name__ == "__main__":
    main()
