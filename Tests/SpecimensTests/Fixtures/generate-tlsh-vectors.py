#!/usr/bin/env python3
# Specimens tests — generate-tlsh-vectors.py
# Writes tlsh-vectors.json: TLSH of deterministic inputs as computed by the reference implementation's
# Python binding (`pip install py-tlsh`). The Swift tests regenerate the same inputs (Xorshift32
# bytes, word text, low-variety bytes) and compare. Run from this folder: python3 generate-tlsh-vectors.py
import json, os, tlsh

WORDS = ["攻撃", "malware", "the", "hub", "sample", "C2", "beacon", "検体", "phishing", "invoice",
         "powershell", "-enc", "http://", "example.jp", "\n", "a", "of", "and", "で", "を"]

def xorshift(seed, length, mask=0xFF):
    x = seed & 0xFFFFFFFF
    out = bytearray()
    for _ in range(length):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out.append((x >> 24) & mask)
    return bytes(out)

def text(seed, length):
    x = seed & 0xFFFFFFFF
    out = bytearray()
    while len(out) < length:
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out += WORDS[(x >> 24) % len(WORDS)].encode() + b" "
    return bytes(out[:length])

def make(kind, seed, length, mask=0xFF):
    if kind == "xorshift":
        return xorshift(seed, length, mask)
    if kind == "text":
        return text(seed, length)
    if kind == "repeat":
        return bytes([seed & 0xFF]) * length
    if kind == "counter":
        return bytes(i & 0xFF for i in range(length))
    raise ValueError(kind)

cases = []
for length in [49, 50, 51, 52, 57, 64, 86, 100, 129, 200, 255, 256, 437, 656, 657, 1000, 1110, 3171, 3199,
               3200, 4096, 10000, 65536, 100000, 1048576 + 7]:
    cases.append(("xorshift", 0x9E3779B9 ^ length, length, 0xFF))
for length in [60, 300, 2000, 5000, 70000]:
    cases.append(("text", 0x12345 + length, length, 0xFF))
for mask in [0x01, 0x03, 0x07, 0x0F, 0x3F]:
    cases.append(("xorshift", 0xC0FFEE + mask, 5000, mask))
cases += [("repeat", 0x41, 1000, 0xFF), ("counter", 0, 49, 0xFF), ("counter", 0, 50, 0xFF), ("counter", 0, 512, 0xFF),
          ("counter", 0, 100000, 0xFF)]

vectors = []
for kind, seed, length, mask in cases:
    h = tlsh.hash(make(kind, seed, length, mask))
    vectors.append({"kind": kind, "seed": seed, "length": length, "mask": mask, "tlsh": None if h == "TNULL" else h})

files = {}
for name in sorted(os.listdir(".")):
    if name.endswith((".json", ".py")) or os.path.isdir(name):
        continue
    h = tlsh.hash(open(name, "rb").read())
    files[name] = None if h == "TNULL" else h

with open("tlsh-vectors.json", "w") as f:
    json.dump({"generator": "py-tlsh " + getattr(tlsh, "__version__", "?"), "vectors": vectors, "files": files}, f, indent=1, ensure_ascii=False)
print(len(vectors), "vectors,", len(files), "files")
