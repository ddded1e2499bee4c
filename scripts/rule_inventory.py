#!/usr/bin/env python3
"""Writes docs/rules.md from `scrubline rules --format jsonl` (standard library only).

    cargo run --release -p scrubline-cli -- rules --format jsonl | python3 scripts/rule_inventory.py > docs/rules.md
"""
import collections
import json
import sys

rules = [json.loads(l) for l in sys.stdin if l.strip()]
by_pack = collections.OrderedDict()
for r in rules:
    by_pack.setdefault((r["pack"], r["version"]), []).append(r)

print("# Rule inventory\n")
print("Generated from the embedded default packs by `scripts/rule_inventory.py`; %d rules.\n" % len(rules))
print("| pack | version | rules |\n|---|---|---|")
for (p, v), rs in by_pack.items():
    print("| %s | %s | %d |" % (p, v, len(rs)))
cats = collections.Counter(r["category"] for r in rules)
print("\n| category | rules |\n|---|---|")
for c, n in sorted(cats.items()):
    print("| %s | %d |" % (c, n))
for (p, v), rs in by_pack.items():
    print("\n## %s %s\n" % (p, v))
    print("| id | type | category | sensitivity | validator | examples (+/-) | provenance |")
    print("|---|---|---|---|---|---|---|")
    for r in rs:
        prov = r["provenance"].replace("|", "\\|").replace("\n", " ")
        print("| `%s` | %s | %s | %s | %s | %d/%d | %s |" % (
            r["id"], r["type"], r["category"], r["sensitivity"], r["validator"] or "",
            r["examples"], r["negative_examples"], prov))
