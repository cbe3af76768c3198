"""Reproduce redis-py issue #2624 (CVE-2023-28858/28859) over one connection.

usage: python3 cancel.py PORT [--rounds 50] [--keys 20] [--timeout-ms 100] [--seed 2023] [--host 127.0.0.1]

Seeds keys user:N whose value embeds the key (user:N|name|crc32), then GETs keys one at a time, each
wrapped in asyncio.wait_for(..., timeout). A cancelled GET prints "cancelled". Every value received
is checked against the key asked for: the client's own ground truth.
"""
import argparse
import asyncio
import sys
import time
import zlib

import redis
import redis.asyncio

NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]


def key_sequence(seed, keys, rounds):
    """A tiny LCG, the same one cancel-ioredis.mjs uses, so both ask for the same keys in the same order."""
    x = seed
    for _ in range(rounds):
        x = (x * 1103515245 + 12345) % 2**31
        yield f"user:{(x >> 16) % keys}"


def value_for(n):
    body = f"user:{n}|{NAMES[n % len(NAMES)]}"
    return f"{body}|{zlib.crc32(body.encode()):08x}"


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--keys", type=int, default=20)
    ap.add_argument("--timeout-ms", type=float, default=100)
    ap.add_argument("--seed", type=int, default=2023)
    a = ap.parse_args()

    print(f"redis-py {redis.__version__} python {sys.version.split()[0]} "
          f"port {a.port} rounds {a.rounds} keys {a.keys} timeout {a.timeout_ms:g}ms seed {a.seed}")
    r = redis.asyncio.Redis(host=a.host, port=a.port, single_connection_client=True)
    for n in range(a.keys):
        await r.set(f"user:{n}", value_for(n))
    print(f"seeded user:0 .. user:{a.keys - 1}")

    t0 = time.monotonic()
    cancelled, wrong, ok = 0, [], 0
    for i, key in enumerate(key_sequence(a.seed, a.keys, a.rounds), 1):
        t = time.monotonic()
        try:
            v = await asyncio.wait_for(r.get(key), a.timeout_ms / 1000)
        except asyncio.TimeoutError:
            cancelled += 1
            print(f"#{i:03d} {(t - t0) * 1000:8.1f}ms GET {key:8s} -> cancelled")
            continue
        got = v.decode() if isinstance(v, bytes) else repr(v)
        got_key = got.split("|", 1)[0]
        if got_key == key:
            ok += 1
            mark = "ok"
        else:
            wrong.append((i, key, got_key))
            mark = f"WRONG (value of {got_key})"
        print(f"#{i:03d} {(t - t0) * 1000:8.1f}ms GET {key:8s} -> {got}  {mark}")
    await r.close()
    print(f"summary: requests {a.rounds} ok {ok} cancelled {cancelled} wrong {len(wrong)}")
    for i, key, got_key in wrong:
        print(f"  wrong #{i:03d} asked {key} got the value of {got_key}")


asyncio.run(main())
