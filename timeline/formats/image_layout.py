"""Label placement for the timeline image: layers of non-overlapping labels, and rows of non-overlapping marks.

After labella.js: labels go into layers stacked away from the marks. Within a layer the
labels keep the order of their events and are shifted as little as possible (isotonic
least squares, solved by pooling adjacent violators) so none overlap and none leave the
image. A label that would have to move too far waits for the next layer; meanwhile a
narrow *stub* keeps a gap open in every lower layer for its leader line, so leaders
never cross a label and, keeping the events' order in every layer, never cross each other.
Pure geometry in pixels; no drawing.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

__all__ = ["LabelBox", "Layout", "Placement", "layout_labels", "pack_rows"]


@attrs.frozen
class LabelBox:
    """A label to place: the x of its event, and its size."""

    anchor: float
    width: float
    height: float


@attrs.frozen
class Placement:
    """Where a label went: its layer, its left edge, and its leader's way up through the lower layers."""

    layer: int
    left: float
    #: The leader's x in each lower layer, nearest the marks first (len == layer).
    stubs: tuple[float, ...]

    def attach(self, anchor: float, width: float, inset: float) -> float:
        """The x where the leader meets the label's bottom edge: straight above where it comes from, if it can."""
        below = self.stubs[-1] if self.stubs else anchor
        return min(max(below, self.left + inset), self.left + width - inset)


@attrs.frozen
class Layout:
    """One placement per label (None when it did not fit), and each layer's height."""

    placements: tuple[Placement | None, ...]
    layer_heights: tuple[float, ...]


@attrs.define
class _Node:
    index: int
    ideal: float  # ideal left edge, margins included
    width: float  # margins included
    is_label: bool
    max_shift: float


@attrs.define
class _Block:
    nodes: list[_Node]
    offsets: list[float]  # each node's left edge relative to the block's left edge
    total: float  # sum over nodes of (ideal - offset)
    width: float

    @property
    def value(self) -> float:
        """The block's left edge that moves its nodes least (in the least-squares sense)."""
        return self.total / len(self.nodes)


def _effective(stack: list[_Block], index: int, lower: float) -> float:
    """A block's left edge: its mean, except that the first block stops at the image's left edge."""
    value = stack[index].value
    return max(value, lower) if index == 0 else value


def _merge(a: _Block, b: _Block) -> _Block:
    return _Block(
        a.nodes + b.nodes,
        a.offsets + [a.width + o for o in b.offsets],
        a.total + b.total - a.width * len(b.nodes),
        a.width + b.width,
    )


def _lefts(stack: list[_Block], lower: float, upper: float, from_end: bool) -> list[tuple[int, float]]:
    """Final left edges of blocks: all of them, or (from_end) only the trailing ones the right edge pushes back."""
    out: list[tuple[int, float]] = []
    limit = upper
    for index in range(len(stack) - 1, -1, -1):
        natural = _effective(stack, index, lower)
        value = min(natural, limit - stack[index].width)
        if from_end and value >= natural:
            break
        out.append((index, value))
        limit = value
    return out


def _worst(stack: list[_Block], lower: float, upper: float) -> tuple[float, int] | None:
    """The label moved furthest past its limit in the last block or by the right edge: (excess, index)."""
    checks = dict(_lefts(stack, lower, upper, from_end=True))
    last = len(stack) - 1
    checks.setdefault(last, _effective(stack, last, lower))
    worst: tuple[float, int] | None = None
    for index, left in checks.items():
        block = stack[index]
        for node, offset in zip(block.nodes, block.offsets, strict=True):
            excess = abs(left + offset - node.ideal) - node.max_shift
            if node.is_label and excess > 1e-9 and (worst is None or excess > worst[0]):
                worst = (excess, node.index)
    return worst


def _push(stack: list[_Block], node: _Node, lower: float, upper: float) -> list[_Block] | None:
    """The stack with `node` added and overlaps pooled away, or None if the layer has no room for it."""
    block = _Block([node], [0.0], node.ideal, node.width)
    kept = list(stack)
    while kept and _effective(kept, len(kept) - 1, lower) + kept[-1].width > block.value:
        block = _merge(kept.pop(), block)
    kept.append(block)
    if sum(b.width for b in kept) > upper - lower:
        return None
    return kept


def _solve_layer(
    order: Sequence[int],
    boxes: Sequence[LabelBox],
    lower: float,
    upper: float,
    params: _Params,
) -> tuple[list[tuple[_Node, float]], list[int]]:
    """One layer built greedily in anchor order: node positions, and the labels left for higher layers.

    When a stub would crowd the labels before it too far, the nearest of them makes way (becomes a
    stub itself) and the layer is rebuilt from just before it.
    """
    stack: list[_Block] = []
    rejected: list[int] = []
    evicted: set[int] = set()
    history: dict[int, tuple[int, list[_Block], int]] = {}  # label -> (position, stack before, rejected before)
    position = 0
    while position < len(order):
        index = order[position]
        box = boxes[index]
        if index not in evicted:
            width = box.width + params.gap
            ideal = min(max(box.anchor - width / 2, lower), upper - width)
            label = _Node(index, ideal, width, True, max(params.min_shift, params.shift * box.width))
            placed = _push(stack, label, lower, upper)
            if placed is not None and _worst(placed, lower, upper) is None:
                history[index] = (position, stack, len(rejected))
                stack = placed
                position += 1
                continue
        rejected.append(index)
        width = params.stub_width + params.stub_gap
        stub = _Node(index, box.anchor - width / 2, width, False, 0.0)
        placed = _push(stack, stub, lower, upper)
        if placed is not None and _worst(placed, lower, upper) is not None:
            victim = next(n.index for b in reversed(placed) for n in reversed(b.nodes) if n.is_label)
            evicted.add(victim)
            position, stack, kept = history[victim]
            del rejected[kept:]
            continue
        if placed is not None:
            stack = placed
        position += 1  # a full layer: this leader goes straight up through it
    positions: list[tuple[_Node, float]] = []
    for block_index, left in sorted(_lefts(stack, lower, upper, from_end=False)):
        block = stack[block_index]
        for node, offset in zip(block.nodes, block.offsets, strict=True):
            # A label's margins are split evenly around it; a stub is reported by its centre.
            positions.append((node, left + offset + (params.gap / 2 if node.is_label else node.width / 2)))
    return positions, rejected


@attrs.frozen
class _Params:
    gap: float
    stub_width: float
    stub_gap: float
    shift: float
    min_shift: float


def layout_labels(
    boxes: Sequence[LabelBox],
    lower: float,
    upper: float,
    *,
    gap: float = 8.0,
    stub_width: float = 1.0,
    stub_gap: float = 2.0,
    shift: float = 0.4,
    min_shift: float = 40.0,
    max_layers: int | None = None,
) -> Layout:
    """Place every label it can in layers between x = `lower` and `upper`; None for those past `max_layers`.

    A label moves sideways at most `shift` times its width (or `min_shift`) from centred over its anchor;
    labels are `gap` apart, and a stub leaves `stub_width` plus `stub_gap` for a leader.
    """
    params = _Params(gap, stub_width, stub_gap, shift, min_shift)
    pending = sorted(range(len(boxes)), key=lambda i: (boxes[i].anchor, i))
    placements: list[Placement | None] = [None] * len(boxes)
    stubs: dict[int, list[float]] = {i: [] for i in pending}
    heights: list[float] = []
    layer = 0
    while pending and (max_layers is None or layer < max_layers):
        positions, rejected = _solve_layer(pending, boxes, lower, upper, params)
        height = 0.0
        through = set(rejected)
        for node, left in positions:
            if node.is_label:
                placements[node.index] = Placement(layer, left, tuple(stubs[node.index]))
                height = max(height, boxes[node.index].height)
            else:
                stubs[node.index].append(left)
                through.discard(node.index)
        for index in through:
            stubs[index].append(stubs[index][-1] if stubs[index] else boxes[index].anchor)
        if height == 0.0:
            break  # nothing fits even alone (a label wider than the image): give up on those rather than loop
        heights.append(height)
        pending = rejected
        layer += 1
    return Layout(tuple(placements), tuple(heights))


def pack_rows(extents: Sequence[tuple[float, float]], max_rows: int, gap: float = 2.0) -> list[int]:
    """A row for each [left, right] extent, lowest first, so marks in a row never touch; overflow shares the last."""
    ends: list[float] = []
    rows: list[int] = []
    for left, right in extents:
        for row, end in enumerate(ends):
            if left >= end + gap:
                ends[row] = right
                rows.append(row)
                break
        else:
            if len(ends) < max_rows:
                ends.append(right)
                rows.append(len(ends) - 1)
            else:
                row = min(range(len(ends)), key=lambda r: (ends[r], r))
                ends[row] = max(ends[row], right)
                rows.append(row)
    return rows
