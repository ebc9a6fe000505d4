#!/usr/bin/env python3
"""Soak test of `zhice serve`, loopback only, bounded in time.

Runs the server on a copy of the bundled Tongzhou policy and sends, for
SECONDS (default 120), a mix of good, bad, slow and oversized requests from
several threads; half-way it breaks the policy file (a version that does not
check) and mends it again later. Checks at the end:

- no answer was a server error (5xx);
- every good request got the award the policy gives (5,000,000.00 for the
  probe case), the version loaded before the break kept serving throughout;
- memory stayed flat: the server's RSS at the end is within 20 % of its RSS
  after the warm-up.

    python3 benches/soak.py [SECONDS] [--zhice target/release/zhice]

Exit status 0 when every check holds, 1 otherwise. Standard library only.
"""

import http.client
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICY = "tongzhou-2025-draft"
PROBE = b'{"id":"probe","year":2025,"data_space_investment":"30000000"}'
PROBE_AWARD = '"data_space":"5000000.00"'


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_status = {}
        self.failures = []
        self.good = 0

    def count(self, kind, status):
        with self.lock:
            key = (kind, status)
            self.by_status[key] = self.by_status.get(key, 0) + 1

    def fail(self, why):
        with self.lock:
            if len(self.failures) < 20:
                self.failures.append(why)


def request(addr, method, path, body=b"", headers=None, timeout=30):
    host, port = addr.split(":")
    c = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def slow_client(addr, seconds):
    """Half a header, then silence: the server must let it go, not hang."""
    host, port = addr.split(":")
    s = socket.create_connection((host, int(port)), timeout=seconds + 5)
    try:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        s.settimeout(seconds + 5)
        try:
            while s.recv(4096):
                pass
        except (socket.timeout, ConnectionResetError):
            pass
    finally:
        s.close()


def worker(addr, until, tally, rng):
    batch = b"\n".join([PROBE] * 50) + b"\n"
    while time.time() < until:
        kind = rng.choices(
            ["good", "batch", "bad-json", "unknown", "oversized", "not-found", "slow"],
            weights=[50, 10, 10, 10, 3, 10, 1],
        )[0]
        try:
            if kind == "good":
                status, body = request(addr, "POST", f"/v1/policies/{POLICY}/eval", PROBE)
                if status != 200 or PROBE_AWARD.encode() not in body:
                    tally.fail(f"good request: {status} {body[:200]!r}")
                else:
                    with tally.lock:
                        tally.good += 1
            elif kind == "batch":
                status, body = request(addr, "POST", f"/v1/policies/{POLICY}/batch", batch)
                if status != 200 or body.count(PROBE_AWARD.encode()) != 50:
                    tally.fail(f"batch: {status} {body[:200]!r}")
            elif kind == "bad-json":
                status, _ = request(addr, "POST", f"/v1/policies/{POLICY}/eval", b'{"id": 1, "year": ')
            elif kind == "unknown":
                status, _ = request(addr, "POST", f"/v1/policies/{POLICY}/eval", b'{"id":"x","year":2025,"nope":1}')
            elif kind == "oversized":
                status, _ = request(addr, "POST", f"/v1/policies/{POLICY}/eval", b"x" * (17 << 20))
            elif kind == "not-found":
                status, _ = request(addr, "GET", "/v1/policies/..%2F..%2Fetc%2Fpasswd")
            else:
                slow_client(addr, 3)
                status = 0
            tally.count(kind, status)
            if status >= 500:
                tally.fail(f"{kind}: server error {status}")
        except (ConnectionError, socket.timeout, http.client.HTTPException) as e:
            # an oversized body may be cut off once the server has answered 413
            if kind != "oversized":
                tally.fail(f"{kind}: {e!r}")


def main():
    args = sys.argv[1:]
    zhice = os.path.join(ROOT, "target", "release", "zhice")
    if "--zhice" in args:
        i = args.index("--zhice")
        zhice = args[i + 1]
        del args[i : i + 2]
    seconds = int(args[0]) if args else 120
    work = tempfile.mkdtemp(prefix="zhice-soak-")
    policy = os.path.join(work, f"{POLICY}.policy")
    shutil.copy(os.path.join(ROOT, "policies", f"{POLICY}.policy"), policy)
    original = open(policy, encoding="utf-8").read()
    server = subprocess.Popen(
        [zhice, "serve", work, "--listen", "127.0.0.1:0", "--reload-ms", "200", "--header-timeout-ms", "2000"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "ZHICE_LANG": "en", "ZHICE_LOG": "warn"},
        text=True,
    )
    addr = None
    for line in server.stderr:
        if "http://" in line:
            addr = line.split("http://")[1].strip()
            break
    threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
    if not addr:
        print("the server did not start")
        return 1
    tally = Tally()
    rng = random.Random(7)
    warm_until = time.time() + min(15, seconds / 4)
    end = time.time() + seconds
    threads = [
        threading.Thread(target=worker, args=(addr, end, tally, random.Random(rng.random())))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    time.sleep(max(0, warm_until - time.time()))
    warm = rss_kib(server.pid)
    # half-way: a version that does not check, then the good one again
    time.sleep(max(0, (end - time.time()) / 2 - 5))
    tmp = policy + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(original.replace("at most data_space_cap", "at most data_space_cpa", 1))
    os.replace(tmp, policy)
    time.sleep(3)
    status, info = request(addr, "GET", f"/v1/policies/{POLICY}")
    refused_seen = status == 200 and b'"refused":{' in info.replace(b" ", b"")
    time.sleep(5)
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(original)
    os.replace(tmp, policy)
    for t in threads:
        t.join()
    end_rss = rss_kib(server.pid)
    server.terminate()
    server.wait(timeout=60)
    shutil.rmtree(work, ignore_errors=True)

    growth = (end_rss - warm) / warm if warm else 0
    print(f"{seconds} s, 8 clients; answers by kind and status:")
    for (kind, status), n in sorted(tally.by_status.items()):
        print(f"  {kind:10} {status:4} {n:8}")
    print(f"good requests answered correctly: {tally.good}")
    print(f"the broken version was refused while the one before kept serving: {refused_seen}")
    print(f"RSS after warm-up {warm} KiB, at the end {end_rss} KiB ({growth:+.1%})")
    ok = True
    if tally.failures:
        ok = False
        print("failures:")
        for f in tally.failures:
            print("  " + f)
    if any(status >= 500 for (_, status) in tally.by_status):
        ok = False
    if not refused_seen:
        ok = False
    if growth > 0.20:
        ok = False
        print("memory grew by more than 20 %")
    print("soak: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
