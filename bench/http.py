"""Pages over HTTP: gunicorn (sync workers) on a free loopback port, ``wrk`` against each page and, right after
it, against the minimal view; requests per second, p50, p99 and the ratio page / minimal (req/s over req/s).

Logged-in pages carry the measured learner's session cookie (``wrk -H 'Cookie: ...'``).
"""

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from bench.environment import BASE_DIR, load

WRK = shutil.which("wrk") or "/usr/bin/wrk"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
MINIMAL_PATH = "/__bench_minimal__/"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk_parse(output: str) -> dict:
    """req/s, p50 and p99 (ms) and the count of non-2xx/3xx answers and socket errors from ``wrk --latency``."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    requests = re.search(r"(\d+) requests in", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "req_per_s": float(rate.group(1)) if rate else 0.0,
        "p50_ms": _milliseconds(p50.group(1)) if p50 else None,
        "p99_ms": _milliseconds(p99.group(1)) if p99 else None,
        "requests": int(requests.group(1)) if requests else 0,
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def _drain(url: str) -> None:
    """Wait until the requests wrk left queued are served: sync workers answer in order, so once one more request
    comes back the backlog is gone (else the next run would be timed behind it)."""
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (loopback)
        response.read()


def wrk(url: str, *, duration: int, connections: int, cookie: str | None) -> dict:
    command = [WRK, "-t", "2", "-c", str(connections), "-d", f"{int(duration)}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    _drain(urlsplit(url)._replace(path=MINIMAL_PATH).geturl())
    return {**wrk_parse(output), "load": load()}


def page_cache_state(url: str, *, cookie: str | None) -> str:
    """What the page cache answered one request to ``url`` (``X-Page-Cache``: hit, miss, or empty: rendered)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310 (loopback)
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (loopback)
        response.read()
        return response.headers.get("X-Page-Cache", "")


def _wait_until_up(base: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(base + MINIMAL_PATH, timeout=5) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer in time")


def run(*, env: dict, inprocess: dict, duration: int, warmup: int, connections: int, workers: int) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [GUNICORN, "bench.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    command += ["--worker-class", "sync", "--log-level", "warning", "--timeout", "60"]
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env)
    try:
        _wait_until_up(base, server)
        minimal_url = base + inprocess["minimal_url"]
        results = {"gunicorn_workers": workers, "connections": connections, "duration_s": duration, "pages": {}}
        for name, path in inprocess["urls"].items():
            cookie = inprocess["session_cookie"] if name in inprocess["logged_in"] else None
            url = base + path
            wrk(url, duration=warmup, connections=connections, cookie=cookie)
            wrk(minimal_url, duration=warmup, connections=connections, cookie=cookie)
            served = page_cache_state(url, cookie=cookie)
            page = wrk(url, duration=duration, connections=connections, cookie=cookie)
            minimal = wrk(minimal_url, duration=duration, connections=connections, cookie=cookie)
            ratio = page["req_per_s"] / minimal["req_per_s"] if minimal["req_per_s"] else 0.0
            results["pages"][name] = {
                "url": path,
                "page_cache": served,
                "page": page,
                "minimal": minimal,
                "ratio": ratio,
            }
            print(
                f"  {name:16} {served or 'rendered':8} {page['req_per_s']:8.1f} req/s  "
                f"p50 {page['p50_ms']} ms  p99 {page['p99_ms']} ms  "
                f"minimal {minimal['req_per_s']:.1f} req/s  ratio {ratio:.4f}  "
                f"non-2xx {page['non_2xx_3xx']}  load {page['load']}",
                flush=True,
            )
        return results
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
