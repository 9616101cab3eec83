"""A tiny baseline JPEG writer (no dependency): solid 8×8 blocks are enough for screenshots.

Every block is one flat colour, so each block's DCT has only a DC coefficient; the encoder
needs no DCT at all. The file is a standard baseline (SOF0) JFIF image: 3 components (YCbCr,
no subsampling), one quantisation table of ones, a DC Huffman table with the 12 categories at
code length 4 and an AC table holding only end-of-block. Any JPEG decoder reads it.

:func:`screenshot_jpeg` draws a recognisable picture: a colour derived from the UID and a row
of blocks encoding the capture time, so consecutive screenshots differ.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

RGB = tuple[int, int, int]


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">HH", 0xFF00 | marker, len(payload) + 2) + payload


def _ycbcr(rgb: RGB) -> tuple[float, float, float]:
    r, g, b = rgb
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
    return y, cb, cr


class _BitWriter:
    def __init__(self) -> None:
        self.out = bytearray()
        self._acc = 0
        self._n = 0

    def write(self, value: int, length: int) -> None:
        for i in range(length - 1, -1, -1):
            self._acc = (self._acc << 1) | ((value >> i) & 1)
            self._n += 1
            if self._n == 8:
                self._emit(self._acc)
                self._acc = self._n = 0

    def _emit(self, byte: int) -> None:
        self.out.append(byte)
        if byte == 0xFF:  # byte stuffing: 0xFF in entropy-coded data is followed by 0x00
            self.out.append(0x00)

    def flush(self) -> bytes:
        if self._n:  # pad the last byte with 1-bits (ITU T.81 F.1.2.3)
            self._emit(((self._acc << (8 - self._n)) | ((1 << (8 - self._n)) - 1)) & 0xFF)
            self._acc = self._n = 0
        return bytes(self.out)


def encode_blocks(blocks: Sequence[Sequence[RGB]]) -> bytes:
    """A JPEG whose 8×8 blocks have the given colours (rows of blocks, left to right)."""
    rows = len(blocks)
    cols = len(blocks[0]) if rows else 0
    if not rows or not cols or any(len(r) != cols for r in blocks):
        raise ValueError("blocks must be a non-empty rectangle")
    height, width = rows * 8, cols * 8

    header = b"\xff\xd8"
    header += _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    header += _segment(0xDB, b"\x00" + b"\x01" * 64)  # 8-bit table 0, all ones
    header += _segment(
        0xC0,
        struct.pack(">BHHB", 8, height, width, 3) + bytes([1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]),
    )
    dc_counts = [0, 0, 0, 12] + [0] * 12  # categories 0..11, all with 4-bit codes
    ac_counts = [1] + [0] * 15  # only EOB (0x00), code "0"
    header += _segment(
        0xC4,
        bytes([0x00, *dc_counts, *range(12)]) + bytes([0x10, *ac_counts, 0x00]),
    )
    header += _segment(0xDA, bytes([3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0]))

    bits = _BitWriter()
    pred = [0, 0, 0]
    for row in blocks:
        for rgb in row:
            for comp, value in enumerate(_ycbcr(rgb)):
                # flat block: F(0,0) = 8 · (value − 128); quantiser 1
                dc = max(-1024, min(1016, round(8 * (value - 128))))
                diff = dc - pred[comp]
                pred[comp] = dc
                category = abs(diff).bit_length()
                bits.write(category, 4)  # canonical code of symbol k is k (all length 4)
                if category:
                    extra = diff if diff > 0 else diff + (1 << category) - 1
                    bits.write(extra, category)
                bits.write(0, 1)  # EOB: all AC coefficients are zero
    return header + bits.flush() + b"\xff\xd9"


def uid_colour(uid: str) -> RGB:
    digest = hashlib.sha256(uid.encode()).digest()
    # keep colours mid-range so the time bar stays visible
    return (64 + digest[0] // 2, 64 + digest[1] // 2, 64 + digest[2] // 2)


def screenshot_jpeg(uid: str, captured_ms: int, *, cols: int = 8, rows: int = 6) -> bytes:
    """A ``cols·8 × rows·8`` picture: the UID's colour, darker towards the bottom, with the
    capture time's low bits as a black/white bar across the top row."""
    base = uid_colour(uid)
    seconds = captured_ms // 1000
    blocks: list[list[RGB]] = []
    for r in range(rows):
        if r == 0:
            bar = [(255, 255, 255) if (seconds >> c) & 1 else (0, 0, 0) for c in range(cols)]
            blocks.append(bar)
            continue
        shade = 1.0 - 0.5 * r / rows
        blocks.append([tuple(int(v * shade) for v in base) for _ in range(cols)])  # type: ignore[misc]
    return encode_blocks(blocks)
