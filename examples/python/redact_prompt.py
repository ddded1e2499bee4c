"""Redact a prompt before it goes to a model, and log only metadata about what was found.

Run: python examples/python/redact_prompt.py
The "model" is a local stand-in: nothing leaves the machine.
"""

from __future__ import annotations

import json
import logging
from collections import Counter

import scrubline

log = logging.getLogger("prompt-guard")

# One scanner for the whole process: building compiles every rule; calls are then microseconds.
SCANNER = scrubline.Scanner()

PROMPT = """\
Hi, I'm Jane Doe (jane.doe@example.org, +1 415-555-0132). My card 4111 1111 1111 1111 was
charged twice; my SSN is 078-05-1120 if you need it. Our deploy uses the key
AKIAQ3EGRDVHXPAE7N2M. Can you draft a reply to the bank?"""


def fake_model(prompt: str) -> str:
    """Stands in for an LLM API call."""
    return f"(model saw {len(prompt)} characters, e.g. {prompt[:60]!r}...)"


def guarded_completion(prompt: str) -> str:
    redacted, findings = SCANNER.redact_with_findings(prompt)
    # Log what was found, never the values: types, rule ids, counts, positions.
    log.info(
        "prompt redacted: %s",
        json.dumps(
            {
                "findings": len(findings),
                "by_type": dict(Counter(f.type for f in findings)),
                "rules": sorted({f.rule for f in findings}),
                "max_sensitivity": max(
                    (f.sensitivity for f in findings),
                    key=["low", "medium", "high", "critical"].index,
                    default=None,
                ),
            }
        ),
    )
    return fake_model(redacted)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    redacted = SCANNER.redact(PROMPT)
    print("--- prompt sent to the model ---")
    print(redacted)
    print("--- model answer ---")
    print(guarded_completion(PROMPT))
    assert "078-05-1120" not in redacted and "jane.doe@example.org" not in redacted


if __name__ == "__main__":
    main()
