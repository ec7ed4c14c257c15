"""Small measuring tools shared by the benchmark runner and its worker: latency samples, percentiles, memory."""

from __future__ import annotations

import gc
import math
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Latency:
    """Per-call latency over many calls, in microseconds."""

    median_us: float
    p99_us: float
    calls: int

    def to_dict(self) -> dict[str, Any]:
        return {"median_us": round(self.median_us, 1), "p99_us": round(self.p99_us, 1), "calls": self.calls}


def percentile(samples: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of samples: a value that was really measured."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def median(samples: Sequence[float]) -> float:
    ordered = sorted(samples)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def time_calls(call: Callable[[str], object], inputs: Sequence[str], *, repeat: int) -> Latency:
    """Time `call(x)` for every input, `repeat` times over (after one untimed warm-up pass)."""
    for text in inputs:
        call(text)
    samples: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(repeat):
        for text in inputs:
            start = clock()
            call(text)
            samples.append((clock() - start) / 1000)
    return Latency(median(samples), percentile(samples, 0.99), len(samples))


def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def rss_bytes() -> int:
    """Resident memory of this process now (after a garbage collection)."""
    gc.collect()
    kib = _status_kib("VmRSS")
    if kib is None:  # not Linux: the peak is the best we can read
        return peak_rss_bytes()
    return kib * 1024


def peak_rss_bytes() -> int:
    """The most resident memory this process has used so far."""
    kib = _status_kib("VmHWM")
    if kib is None:
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return kib * 1024
