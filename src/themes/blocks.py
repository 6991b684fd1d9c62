"""Row blocks: work over a whole export's vectors in fixed-size pieces, so temporaries (a centred
copy, similarity or hidden-layer matrices) are bounded by the block, not the export."""

from __future__ import annotations

BLOCK_ROWS = 65536


def row_blocks(n: int, size: int = BLOCK_ROWS) -> list[slice]:
    """Slices covering rows 0..n in order; one empty slice when n is 0 (so callers still run once)."""
    return [slice(start, min(start + size, n)) for start in range(0, n, size)] or [slice(0, 0)]
