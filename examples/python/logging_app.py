"""A small app whose logs never carry the personal data or secrets it handles.

Run: python examples/python/logging_app.py
One line, `scrubline.logging.install()`, makes every root handler redact messages, %-args,
`extra=` values, tracebacks and stack info.
"""

from __future__ import annotations

import logging
import sys

import scrubline

log = logging.getLogger("shop.checkout")


def charge(customer: dict[str, str], amount_cents: int) -> None:
    log.info("charging %s for %d cents", customer["email"], amount_cents)
    log.debug("customer record: %r", customer)
    if amount_cents > 10_000:
        raise ValueError(f"limit exceeded for card {customer['card']}")


def main() -> None:
    logging.basicConfig(stream=sys.stdout, level=logging.DEBUG, format="%(levelname)-5s %(name)s: %(message)s")
    scrubline.logging.install()

    customer = {"name": "Jane Doe", "email": "jane.doe@example.org", "card": "4111 1111 1111 1111"}
    charge(customer, 4_200)
    try:
        charge(customer, 42_000)
    except ValueError:
        log.exception("charge failed for %s", customer["email"])
    log.warning("login with password=%s", "hunter2-Correct-Horse", extra={"client_ip": "203.0.113.7"})


if __name__ == "__main__":
    main()
