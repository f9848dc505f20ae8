#!/usr/bin/env python3
"""Writes the snapshot fuzz seed corpus to Fuzz/Corpus/snapshot/.

An independent implementation of docs/snapshot-format.md (it shares no code
with the Swift writer), so the corpus doubles as a check of the spec: the test
SnapshotCorpusTests replays every file through SnapshotFormat.validate and
expects the outcome its name announces (valid-*, or the error after the dash).
"""
import os
import struct

POLY = 0x82F63B78
TABLE = []
for n in range(256):
    c = n
    for _ in range(8):
        c = (c >> 1) ^ (POLY if c & 1 else 0)
    TABLE.append(c)


def crc32c(data, crc=0):
    c = crc ^ 0xFFFFFFFF
    for b in data:
        c = TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283

MAGIC = bytes([0x89, 0x44, 0x52, 0x53, 0x4E, 0x41, 0x50, 0x0A])
SLOT, DATA, TRAILER, RECORD = 4096, 8192, 16, 21


def record(i):
    return struct.pack("<IqdB", (i * 2654435761) & 0xFFFFFFFF, 1_700_000_000_000_000_000 + i * 1_000_000, i * 0.5 - 17, i % 9)


def blocks(records, per_block, first_block):
    out = b""
    for k, start in enumerate(range(0, len(records), per_block)):
        chunk = records[start:start + per_block]
        payload = b"".join(chunk)
        tail = struct.pack("<IQ", len(chunk), first_block + k)
        out += payload + struct.pack("<I", crc32c(tail, crc32c(payload))) + tail
    return out


def slot(per_block, generation, segments, created=7, modified=7, version=1, flags=0):
    """segments: list of record counts, in order. flags 0x8000: an append that has not committed."""
    table, offset, first_record, first_block = b"", DATA, 0, 0
    for count in segments:
        nblocks = -(-count // per_block)
        table += struct.pack("<QQQQ", offset, count, first_record, first_block)
        offset += count * RECORD + nblocks * TRAILER
        first_record += count
        first_block += nblocks
    length = 96 + 32 * len(segments)
    head = MAGIC + struct.pack("<HHHHIIQQQqqQ", version, length, RECORD, flags, per_block, len(segments), generation,
                               first_record, first_block, created, modified, offset)
    body = head + b"\0" * 4 + b"\0" * 20 + table
    crc = crc32c(body)
    body = body[:72] + struct.pack("<I", crc) + body[76:]
    return body + b"\0" * (SLOT - len(body))


def snapshot(segments, per_block, generation=None):
    generation = len(segments) - 1 if generation is None else generation
    records = [record(i) for i in range(sum(segments))]
    data, start, first_block = b"", 0, 0
    for count in segments:
        data += blocks(records[start:start + count], per_block, first_block)
        start += count
        first_block += -(-count // per_block)
    slots = [b"\0" * SLOT, b"\0" * SLOT]
    if generation > 0:  # the previous generation stays in the other slot, as an append leaves it
        slots[(generation - 1) % 2] = slot(per_block, generation - 1, segments[:-1])
    slots[generation % 2] = slot(per_block, generation, segments)
    return slots[0] + slots[1] + data


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Corpus", "snapshot")
    os.makedirs(root, exist_ok=True)
    files = {
        "valid-empty.drsnap": snapshot([], 16, generation=0),
        "valid-one-record.drsnap": snapshot([1], 16),
        "valid-three-blocks.drsnap": snapshot([40], 16),
        "valid-full-block.drsnap": snapshot([16], 16),
        "valid-appended.drsnap": snapshot([10, 5, 1], 4),
        "valid-one-per-block.drsnap": snapshot([6], 1),
    }
    good = files["valid-three-blocks.drsnap"]
    files["emptyFile-zero-length.drsnap"] = b""
    files["truncated-header.drsnap"] = good[:100]
    files["truncated-blocks.drsnap"] = good[:-5]
    files["badMagic.drsnap"] = b"\x88" + good[1:]
    # A version from the far future (0xFFFF), so that no later format makes it readable.
    files["unsupportedVersion.drsnap"] = good[:8] + struct.pack("<H", 0xFFFF) + good[10:]
    flipped = bytearray(good)
    flipped[33] ^= 1
    files["headerChecksumMismatch.drsnap"] = bytes(flipped)
    flipped = bytearray(good)
    flipped[DATA + 5] ^= 0x10
    files["blockChecksumMismatch.drsnap"] = bytes(flipped)
    # One record more in the header and its segment, the checksum made good.
    lying = bytearray(good)
    lying[32:40] = struct.pack("<Q", 41)
    lying[96 + 8:96 + 16] = struct.pack("<Q", 41)
    lying[72:76] = b"\0\0\0\0"
    lying[72:76] = struct.pack("<I", crc32c(bytes(lying[:96 + 32])))
    files["recordCountMismatch.drsnap"] = bytes(lying)
    # The newest committed slot (generation 2, slot A) damaged while generation 2's blocks
    # are intact past generation 1's end: reported, not rolled back to generation 1.
    damaged = bytearray(files["valid-appended.drsnap"])
    damaged[40] ^= 0xFF
    files["damagedNewerHeader-newest-slot.drsnap"] = bytes(damaged)
    # An append that wrote its slot (flagged uncommitted) and its blocks, but never
    # committed: readers see the two segments before it.
    appended = files["valid-appended.drsnap"]
    pending = slot(4, 2, [10, 5, 1], flags=0x8000)
    files["valid-uncommitted-append.drsnap"] = pending + appended[SLOT:]
    # Its commit write torn: the flags landed, the checksum did not.
    torn = bytearray(pending + appended[SLOT:])
    torn[14:16] = b"\0\0"
    files["valid-torn-commit.drsnap"] = bytes(torn)
    # A reserved header byte set, the checksum made good.
    reserved = bytearray(good)
    reserved[80] = 1
    reserved[72:76] = b"\0\0\0\0"
    reserved[72:76] = struct.pack("<I", crc32c(bytes(reserved[:96 + 32])))
    files["invalidHeader-reserved-byte.drsnap"] = bytes(reserved)
    for name, data in files.items():
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(files)} files to {os.path.normpath(root)}")


if __name__ == "__main__":
    main()
