"""Where a rate-limited run's time goes: the sandbox's request timeline split into head, windows, gaps and tail.

The sandbox counts in fixed windows that start at the first request after the previous window ended, so the
windows are rebuilt from the arrival times alone. A run at the limit fills every window up to the limiter's
reserve and starts the next window as the previous ends; anything else is time lost, and this says where.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class Timeline:
    """A run's requests against the sandbox's windows (all times in seconds since the run's clock started)."""

    arrivals: Sequence[float]
    took: float
    period: float
    full: int  # requests per window the limiter may spend (limit less reserve)

    def windows(self) -> list[tuple[float, int]]:
        """Each window's start and the requests it counted, as the sandbox's fixed-window rule makes them."""
        found: list[tuple[float, int]] = []
        for at in self.arrivals:
            if found and at < found[-1][0] + self.period:
                found[-1] = (found[-1][0], found[-1][1] + 1)
            else:
                found.append((at, 1))
        return found

    def resumes(self) -> list[float]:
        """For each window after the first, how long after the previous window's end its first request came."""
        return [b[0] - (a[0] + self.period) for a, b in pairwise(self.windows())]

    def losses(self) -> dict[str, float]:
        """Seconds lost against the ideal (every window full, each starting as the last ends), by cause."""
        windows = self.windows()
        if not windows:
            return {"head": self.took}
        gaps = sum(self.resumes())
        unfilled = sum(max(self.full - n, 0) / self.full * self.period for _, n in windows[:-1])
        last_start, last_count = windows[-1]
        return {
            "head": windows[0][0],
            "gaps": gaps,
            "unfilled": unfilled,
            "tail": self.took - last_start - last_count / self.full * self.period,
            "ideal": len(self.arrivals) / self.full * self.period,
        }

    def histogram(self, step: float = 0.25) -> list[int]:
        """Requests per `step` seconds from the clock's start."""
        counts = [0] * (int(self.took / step) + 1)
        for at in self.arrivals:
            counts[min(max(int(at / step), 0), len(counts) - 1)] += 1
        return counts

    def report(self) -> str:
        """Several lines: the losses, the windows that were not full, the resume delays and the histogram."""
        windows = self.windows()
        losses = self.losses()
        lines = ["  time lost: " + ", ".join(f"{k} {v:.2f} s" for k, v in losses.items() if k != "ideal")
                 + f" (ideal {losses.get('ideal', 0.0):.2f} s, took {self.took:.2f} s)"]
        lines.append("  per window (start+count): " + " ".join(f"{s:.2f}+{n}" for s, n in windows))
        ordered = sorted(self.resumes())
        if ordered:
            lines.append(f"  resume after reset: median {ordered[len(ordered) // 2] * 1000:.0f} ms, "
                         f"max {ordered[-1] * 1000:.0f} ms")
        lines.append("  per 0.25 s: " + " ".join(str(n) for n in self.histogram()))
        return "\n".join(lines)
