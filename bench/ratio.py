"""What every bench prints: the product and its baseline from the same run, each as
min/median/max over the repeats, and their ratio (taken pair by pair, so that a machine
whose speed drifts during the run still gives a fair ratio), ratio first."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

REPEATS = 3


def spread(values: Sequence[float], unit: str, digits: int = 3) -> str:
    """'min … / median … / max …' of `values` in `unit`."""
    low, middle, high = min(values), statistics.median(values), max(values)
    return f"min {low:,.{digits}f} / median {middle:,.{digits}f} / max {high:,.{digits}f} {unit}"


def print_ratio(
    title: str,
    product: tuple[str, Sequence[float]],
    baseline: tuple[str, Sequence[float]],
    unit: str,
    digits: int = 3,
) -> float:
    """Print `title: R× baseline` and both spreads; returns the median ratio. The ratio is
    product / baseline of each pair, so for a time lower is better and for a rate higher."""
    (name, ours), (other, theirs) = product, baseline
    ratios = [a / b for a, b in zip(ours, theirs, strict=True) if b]
    middle = statistics.median(ratios) if ratios else float("nan")
    low, high = (min(ratios), max(ratios)) if ratios else (middle, middle)
    print(f"{title}: {middle:.2f}× {other} (pairs: {low:.2f}–{high:.2f}, n={len(ratios)})")
    print(f"  {name:<28} {spread(ours, unit, digits)}")
    print(f"  {other:<28} {spread(theirs, unit, digits)}")
    return middle
