#!/usr/bin/env python3
"""Python adapter for benches/compare: times one PyPI peer (or scrubline's own Python binding)
over one file, in process.

    python py_peer.py TOOL FILE REPS [--dump OUT.json] [--cache DIR] [--warm-full]

TOOL: kingfisher | presidio | detect-secrets | scrubline-py. Builds the peer (not timed), warms
it up on the first 16 KiB, then times REPS scans of the whole file with time.perf_counter() and
prints one JSON line: tool, version, bytes, times (seconds). With --dump, an untimed extra pass
writes {"spans": [[start_byte, end_byte], ...]} to OUT.json for recall scoring.
"""
import json
import logging
import os
import sys
import time
import traceback

WARM = 16384


def char_to_byte(text, indices):
    """Map code-point indices of `text` to UTF-8 byte offsets."""
    if text.isascii():
        return {i: i for i in indices}
    out, pos, b = {}, 0, 0
    for i in sorted(set(indices)):
        b += len(text[pos:i].encode("utf-8"))
        pos = i
        out[i] = b
    return out


def load_kingfisher(cache):
    import kingfisher_sdk as kf

    rules = kf.Rules(cache_dir=cache) if cache else kf.Rules()
    scanner = kf.Scanner(rules)  # defaults: medium confidence, base64 decoding on, no validation

    def run(data):
        return scanner.scan(data)

    def spans(data, _text):
        out = []
        for f in scanner.scan(data):
            if f.visible:  # what kingfisher reports; invisible ones are component helpers
                loc = f.location
                out.append((loc["start_offset"], loc["end_offset"]))
        return out

    return "%s (%d rules)" % (kf.__version__, len(rules)), "bytes", run, spans


def load_presidio(_cache):
    # Pattern recognizers only: the default English registry without the spaCy NER recognizer,
    # so no spaCy model is downloaded. Each recognizer's analyze() is called with no NLP
    # artifacts (no context-word boosting, which needs spaCy's lemmas).
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    logging.getLogger("presidio-analyzer").setLevel(logging.CRITICAL)
    from importlib.metadata import version

    from presidio_analyzer import RecognizerRegistry

    reg = RecognizerRegistry()
    reg.load_predefined_recognizers(languages=["en"])
    recs = [r for r in reg.recognizers if type(r).__name__ not in ("SpacyRecognizer",)]

    def run(text):
        res = []
        for r in recs:
            res.extend(r.analyze(text, r.supported_entities, None))
        return res

    def spans(_data, text):
        res = run(text)
        m = char_to_byte(text, [x.start for x in res] + [x.end for x in res])
        return [(m[x.start], m[x.end]) for x in res]

    names = ",".join(sorted(type(r).__name__.replace("Recognizer", "") for r in recs))
    return "%s (%d pattern recognizers: %s)" % (version("presidio-analyzer"), len(recs), names), \
        "text", run, spans


def load_detect_secrets(_cache):
    from detect_secrets import SecretsCollection
    from detect_secrets.__version__ import VERSION
    from detect_secrets.settings import default_settings

    ctx = default_settings()  # every default plugin and filter, as the CLI's `scan`
    ctx.__enter__()
    path_box = {"settings": ctx}  # keep a reference: dropping it would restore empty settings

    def run(_data):
        sc = SecretsCollection()
        sc.scan_file(path_box["path"])  # line-based, reads the file itself
        return sc

    def spans(data, _text):
        sc = run(data)
        starts = [0]
        for i, ch in enumerate(data):
            if ch == 10:
                starts.append(i + 1)
        out = []
        for _fn, secrets in sc.data.items():
            for s in secrets:
                ln = s.line_number - 1
                if ln >= len(starts):
                    continue
                a = starts[ln]
                b = starts[ln + 1] if ln + 1 < len(starts) else len(data)
                line = data[a:b]
                v = (s.secret_value or "").encode("utf-8")
                hit = False
                if v:
                    j = line.find(v)
                    while j >= 0:
                        out.append((a + j, a + j + len(v)))
                        hit = True
                        j = line.find(v, j + 1)
                if not hit:  # reported on this line but the value is not verbatim: the line
                    out.append((a, b))
        return out

    return VERSION, "path", run, spans, path_box


def load_scrubline(_cache):
    import scrubline
    from importlib.metadata import version

    def run(text):
        return scrubline.redact(text)

    def spans(_data, text):
        res = scrubline.scan(text)
        m = char_to_byte(text, [f.start for f in res] + [f.end for f in res])
        return [(m[f.start], m[f.end]) for f in res]

    return version("scrubline"), "text", run, spans


LOADERS = {"kingfisher": load_kingfisher, "presidio": load_presidio,
           "detect-secrets": load_detect_secrets, "scrubline-py": load_scrubline}


def main():
    tool, path, reps = sys.argv[1], sys.argv[2], max(1, int(sys.argv[3]))
    args = sys.argv[4:]
    dump = args[args.index("--dump") + 1] if "--dump" in args else None
    cache = args[args.index("--cache") + 1] if "--cache" in args else None
    try:
        loaded = LOADERS[tool](cache)
        version, kind, run, spans = loaded[:4]
        path_box = loaded[4] if len(loaded) > 4 else None
        data = open(path, "rb").read()
        text = data.decode("utf-8")
        warm_full = "--warm-full" in args
        cut = len(data) if warm_full else data.rfind(b"\n", 0, WARM) + 1
        warm_path = path + ".warm"
        with open(warm_path, "wb") as f:
            f.write(data[:cut])
        arg = {"bytes": data, "text": text, "path": None}[kind]
        if path_box is not None:
            path_box["path"] = warm_path
        # warm-up: the first 16 KiB, or (--warm-full) the whole input, so that whatever is
        # compiled or cached on first use (lazy regexes, rule databases) is not timed
        run({"bytes": data[:cut], "text": data[:cut].decode("utf-8"), "path": None}[kind])
        if path_box is not None:
            path_box["path"] = path
        os.unlink(warm_path)
        times, cpu = [], []
        for _ in range(reps):
            c0, t0 = time.process_time(), time.perf_counter()
            run(arg)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)  # CPU time of the process, all threads
        if dump:
            with open(dump, "w") as f:
                json.dump({"spans": spans(data, text)}, f)
        print(json.dumps({"tool": tool, "version": version, "bytes": len(data), "times": times, "cpu": cpu,
                          "timing": "in process, time.process_time() and perf_counter() around the call, "
                                    "after a warm-up on %s" % ("the whole input" if warm_full else "16 KiB")}))
    except Exception:  # reported in the results instead of failing the run
        print(json.dumps({"tool": tool, "error": traceback.format_exc()[-600:]}))
        sys.exit(3)


if __name__ == "__main__":
    main()
