"""Load, fault and parity test of the HTTP service, on loopback only (``linkage-scanner loadtest``).

Why it exists: the service promises to stay bounded (busy answers instead of a
growing queue, no worker held by a slow upload) and to answer exactly what the
library answers.  Those are claims about behaviour under stress, so they are
measured, not assumed.  Every phase is bounded in clients and seconds.

Phases (``--phases``, default all):

* ``baseline``  one client, sequential: the single-request median latency.
* ``sustained`` as many clients as the service has slots (workers + queue) for
  ``--duration`` seconds: throughput, p50/p95/p99, status counts; floor: no 5xx
  and p95 <= 2 x median x queue depth (queue depth = workers + queue slots, all
  the scans the service holds at once).
* ``overload``  many more clients than slots: the extra ones must get ``503
  busy`` quickly, never a timeout, a connection error or another 5xx.
* ``faults``    while clients keep scanning: a client that disconnects mid-upload,
  a client that disconnects while its scan waits, a slow-loris upload (the
  service answers ``408`` after its upload limit) and an oversized streamed
  body (``413`` before it is all read); the others must keep being served.
* ``parity``    every sample through the service against the library in this
  process: the JSON must match exactly (timings aside).

By default it starts its own server (a child process on 127.0.0.1, port picked
free) so memory and CPU per replica can be read from ``/proc``; ``--url`` points
it at a running one (loopback addresses only).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
#: Phone photos of similar cost (0.4-0.7 s each, alone, on the 2-core dev machine): the sustained phase then
#: measures the service's queueing, not the 0.1-14 s spread of scan costs across all samples.
DEFAULT_PHOTOS = ("photo_001.jpg", "photo_004.jpg", "photo_007.jpg", "photo_009.jpg")
PHASES = ("baseline", "sustained", "overload", "faults", "parity")


# --------------------------------------------------------------------------- a server to test


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A ``linkage-scanner serve`` child process on 127.0.0.1 whose log is kept in memory."""

    url: str
    proc: subprocess.Popen | None = None
    log_lines: list[str] = field(default_factory=list)

    @property
    def log(self) -> str:
        return "".join(self.log_lines)

    def pids(self) -> list[int]:
        """The server process and its worker processes (if the pool is a process pool)."""
        if self.proc is None:
            return []
        out = [self.proc.pid]
        todo = [self.proc.pid]
        while todo:
            pid = todo.pop()
            for task in Path(f"/proc/{pid}/task").glob("*"):
                try:
                    kids = [int(x) for x in (task / "children").read_text().split()]
                except OSError:
                    continue
                out += kids
                todo += kids
        return out


@contextmanager
def running_server(args: Sequence[str] = (), env: dict[str, str] | None = None, ready_timeout: float = 120.0,
                   url: str | None = None) -> Iterator[Server]:
    """Start ``linkage-scanner serve`` with ``args`` and wait for ``/readyz``; stop it afterwards.

    With ``url`` no process is started (an already running service is used).
    """
    import httpx2 as httpx

    if url:
        _require_loopback(url)
        yield Server(url=url.rstrip("/"))
        return
    port = free_port()
    full_env = {**os.environ, "OMP_THREAD_LIMIT": "1", **(env or {})}
    full_env.setdefault("PYTHONPATH", str(ROOT))
    cmd = [sys.executable, "-m", "scanner", "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=full_env, text=True)
    server = Server(url=f"http://127.0.0.1:{port}", proc=proc)

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            server.log_lines.append(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if proc.poll() is not None:
                reader.join(2)
                raise RuntimeError(f"server exited with {proc.returncode}: {server.log[-2000:]}")
            try:
                if httpx.get(server.url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server not ready in time: " + server.log[-2000:])
            time.sleep(0.2)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        reader.join(2)


def _require_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        raise SystemExit(f"cannot resolve {host!r}") from None
    import ipaddress

    if not all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos):
        raise SystemExit(f"the load test only runs against loopback addresses, not {host!r}")


# --------------------------------------------------------------------------- measurements


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation; None for no values."""
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def _cpu_seconds(pid: int) -> float:
    try:
        parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _mem_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def resources(server: Server) -> dict[str, Any]:
    """CPU seconds used so far and resident memory (now and peak) of the server and its workers."""
    pids = server.pids()
    return {
        "processes": len(pids),
        "cpu_s": round(sum(_cpu_seconds(p) for p in pids), 2),
        "rss_mb": round(sum(_mem_kb(p, "VmRSS") for p in pids) / 1024, 1),
        "peak_rss_mb": round(sum(_mem_kb(p, "VmHWM") for p in pids) / 1024, 1),
    }


@dataclass
class Tally:
    """Outcomes of a batch of requests."""

    statuses: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # client-side exceptions by type
    ok_latencies: list[float] = field(default_factory=list)
    busy_latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        ok = self.ok_latencies

        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 3)

        return {
            "requests": sum(self.statuses.values()) + sum(self.errors.values()),
            "ok": len(ok),
            "statuses": dict(sorted(self.statuses.items())),
            "error_codes": dict(self.codes),
            "client_errors": dict(self.errors),
            "seconds": round(self.seconds, 1),
            "throughput_per_s": round(len(ok) / self.seconds, 2) if self.seconds else None,
            "p50_s": r(percentile(ok, 50)),
            "p95_s": r(percentile(ok, 95)),
            "p99_s": r(percentile(ok, 99)),
            "max_s": r(max(ok) if ok else None),
            "busy_p95_s": r(percentile(self.busy_latencies, 95)),
        }

    @property
    def server_errors(self) -> int:
        """5xx answers other than the deliberate 503 busy."""
        return sum(n for s, n in self.statuses.items() if s >= 500) - self.codes.get("busy", 0)


async def _one(client: Any, url: str, photo: bytes, tally: Tally, timeout: float) -> None:
    started = time.perf_counter()
    try:
        resp = await client.post(url + "/v1/scan", content=photo, headers={"Content-Type": "image/jpeg"},
                                 timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - counted, a load test never dies on one request
        tally.errors[type(exc).__name__] += 1
        return
    took = time.perf_counter() - started
    tally.statuses[resp.status_code] += 1
    if resp.status_code == 200:
        tally.ok_latencies.append(took)
    else:
        try:
            code = resp.json().get("code", "?")
        except ValueError:
            code = f"http_{resp.status_code}"
        tally.codes[code] += 1
        if code == "busy":
            tally.busy_latencies.append(took)


async def run_clients(url: str, photos: Sequence[bytes], clients: int, duration: float,
                      request_timeout: float = 60.0, pause_after_busy: float = 0.2) -> Tally:
    """``clients`` concurrent clients posting photos in turn for ``duration`` seconds (last requests finish)."""
    import httpx2 as httpx

    tally = Tally()
    stop = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients + 4)

    async def worker(i: int) -> None:
        k = i
        while time.perf_counter() < stop:
            before = tally.codes.get("busy", 0)
            await _one(client, url, photos[k % len(photos)], tally, request_timeout)
            k += 1
            if tally.codes.get("busy", 0) > before:
                await asyncio.sleep(pause_after_busy)  # a real client backs off; keeps the loop from spinning

    started = time.perf_counter()
    async with httpx.AsyncClient(limits=limits) as client:
        await asyncio.gather(*(worker(i) for i in range(clients)))
    tally.seconds = time.perf_counter() - started
    return tally


def baseline(url: str, photos: Sequence[bytes], rounds: int = 2) -> dict[str, Any]:
    """One request at a time: the single-request median the load floor is measured against."""
    tally = asyncio.run(_sequential(url, list(photos) * rounds))
    s = tally.summary()
    s["median_s"] = s["p50_s"]
    return s


async def _sequential(url: str, photos: Sequence[bytes]) -> Tally:
    import httpx2 as httpx

    tally = Tally()
    started = time.perf_counter()
    async with httpx.AsyncClient() as client:
        await _one(client, url, photos[0], Tally(), 60)  # warm the connection and caches; not counted
        for p in photos:
            await _one(client, url, p, tally, 60)
    tally.seconds = time.perf_counter() - started
    return tally


# --------------------------------------------------------------------------- faults


def _raw_request(url: str, body_len: int, ctype: str = "image/jpeg", chunked: bool = False) -> tuple[socket.socket, bytes]:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=30)
    head = f"POST /v1/scan HTTP/1.1\r\nHost: {parts.hostname}\r\nContent-Type: {ctype}\r\n"
    head += "Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {body_len}\r\n"
    return sock, (head + "\r\n").encode()


def _read_status(sock: socket.socket, timeout: float) -> int | None:
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except (OSError, TimeoutError):
        return None
    try:
        return int(data.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def disconnect_mid_upload(url: str, photo: bytes) -> str:
    """Send the headers and a third of the body, then close the socket."""
    sock, head = _raw_request(url, len(photo))
    sock.sendall(head + photo[: len(photo) // 3])
    time.sleep(0.2)
    sock.close()
    return "closed after a third of the body"


def disconnect_while_waiting(url: str, photo: bytes) -> str:
    """Send a whole upload, then close before the answer (the scan is queued or running)."""
    sock, head = _raw_request(url, len(photo))
    sock.sendall(head + photo)
    time.sleep(0.1)
    sock.close()
    return "closed while the scan was queued or running"


def slow_loris(url: str, photo: bytes, seconds: float, byte_every: float = 0.5) -> dict[str, Any]:
    """Trickle the body a few bytes at a time for ``seconds``; report what the service answered."""
    sock, head = _raw_request(url, len(photo))
    sock.sendall(head)
    started = time.perf_counter()
    sent = 0
    closed_by_server = False
    while time.perf_counter() - started < seconds and sent < len(photo) - 1:
        try:
            sock.sendall(photo[sent:sent + 4])
        except OSError:
            closed_by_server = True
            break
        sent += 4
        sock.settimeout(byte_every)
        try:
            data = sock.recv(4096, socket.MSG_PEEK)
            if data:
                break  # the service answered
        except (TimeoutError, BlockingIOError, OSError):
            pass
    status = _read_status(sock, 5)
    sock.close()
    return {"sent_bytes": sent, "status": status, "closed_by_server": closed_by_server,
            "seconds": round(time.perf_counter() - started, 1)}


def oversized_stream(url: str, max_bytes: int, tries: int = 20) -> dict[str, Any]:
    """Stream a chunked body past the limit, without Content-Length: the service must answer 413 early.

    A service whose slots are all taken answers ``503 busy`` before reading any body, as it should; the
    stream is then sent again after a moment, as a client would, until the service reads it (``busy_first``
    counts those answers).
    """
    busy = 0
    for _ in range(tries):
        result = _stream_past(url, max_bytes)
        if result["status"] != 503:
            break
        busy += 1
        time.sleep(0.5)
    return {**result, "busy_first": busy}


def _stream_past(url: str, max_bytes: int) -> dict[str, Any]:
    sock, head = _raw_request(url, 0, chunked=True)
    sock.sendall(head)
    chunk = b"\xff\xd8\xff" + b"\0" * (64 * 1024 - 3)
    sent = 0
    status = None
    try:
        while sent < 4 * max_bytes:
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sent += len(chunk)
            if sent > max_bytes + 512 * 1024:
                break
    except OSError:
        pass
    status = _read_status(sock, 10)
    sock.close()
    return {"sent_bytes": sent, "status": status}


def faults(url: str, photos: Sequence[bytes], clients: int, upload_timeout: float, max_bytes: int) -> dict[str, Any]:
    """Run the faulty clients in threads while ``clients`` well-behaved ones keep scanning."""
    results: dict[str, Any] = {}

    def misbehave() -> None:
        time.sleep(0.5)
        results["disconnect_mid_upload"] = [disconnect_mid_upload(url, photos[0]) for _ in range(3)][0]
        results["disconnect_while_waiting"] = [disconnect_while_waiting(url, photos[0]) for _ in range(3)][0]
        results["oversized_stream"] = oversized_stream(url, max_bytes)

    def loris() -> None:
        results["slow_loris"] = slow_loris(url, photos[0], seconds=upload_timeout + 5)

    threads = [threading.Thread(target=misbehave), threading.Thread(target=loris)]
    for t in threads:
        t.start()
    tally = asyncio.run(run_clients(url, photos, clients, duration=upload_timeout + 2))
    for t in threads:
        t.join(upload_timeout + 30)
    results["others"] = tally.summary()
    results["others_server_errors"] = tally.server_errors
    import httpx2 as httpx

    results["healthz_after"] = httpx.get(url + "/healthz", timeout=5).status_code
    ready = httpx.get(url + "/readyz", timeout=5)
    results["in_flight_after"] = ready.json().get("in_flight") if ready.status_code == 200 else None
    return results


# --------------------------------------------------------------------------- parity


def _comparable(d: dict[str, Any]) -> dict[str, Any]:
    d = dict(d)
    d.pop("timings", None)
    d.pop("source", None)
    return d


def parity(url: str, files: Sequence[Path]) -> dict[str, Any]:
    """Each file scanned by the service and by the library here; the JSON must be identical (timings aside).

    Only names and counts are reported, never a code value.
    """
    import httpx2 as httpx

    from .api import scan
    from .errors import ScannerError

    same, differ, errors = 0, [], []
    with httpx.Client(timeout=120) as client:
        for f in files:
            data = f.read_bytes()
            try:
                lib: dict[str, Any] = json.loads(scan(data).model_dump_json())
            except ScannerError as exc:
                lib = {"code": exc.code}
            resp = client.post(url + "/v1/scan", content=data, headers={"Content-Type": "application/octet-stream"})
            svc = resp.json()
            if _comparable(lib) == _comparable(svc):
                same += 1
            else:
                differ.append(f.name)
            if resp.status_code != 200:
                errors.append(f"{f.name}: {resp.status_code}")
    return {"samples": len(files), "same": same, "different": differ, "errors": errors}


# --------------------------------------------------------------------------- command line


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``loadtest`` flags."""
    p.add_argument("--url", help="test a running service at this loopback URL instead of starting one")
    p.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated, from {','.join(PHASES)}")
    p.add_argument("--samples", default=str(ROOT / "samples"), help="sample folder (images/ and labels.json)")
    p.add_argument("--photos", help="comma-separated sample image names for the load phases")
    p.add_argument("--workers", type=int, default=2, help="scan workers of the started server (default 2)")
    p.add_argument("--pool", choices=["thread", "process"], default="thread")
    p.add_argument("--queue", type=int, default=2, help="queue slots of the started server (default 2)")
    p.add_argument("--duration", type=float, default=30.0, help="seconds of sustained and of overload load")
    p.add_argument("--clients", type=int, default=0, help="sustained clients (default: workers + queue)")
    p.add_argument("--overload-clients", type=int, default=12)
    p.add_argument("--upload-timeout", type=float, default=5.0, help="the started server's upload limit")
    p.add_argument("--max-bytes", type=int, default=4 * 1024 * 1024, help="the started server's upload size limit")
    p.add_argument("--parity-limit", type=int, default=0, help="parity on the first N samples only (0 = all)")
    p.add_argument("--json", metavar="FILE", help="also write the report as JSON")


def run_loadtest(ns: argparse.Namespace) -> int:
    """Run the chosen phases and print a report; exit 1 if a floor is missed."""
    phases = [p.strip() for p in ns.phases.split(",") if p.strip()]
    unknown = set(phases) - set(PHASES)
    if unknown:
        print(f"error: unknown phase(s) {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    samples = Path(ns.samples)
    names = ns.photos.split(",") if ns.photos else list(DEFAULT_PHOTOS)
    photos = [(samples / "images" / n).read_bytes() for n in names]
    clients = ns.clients or ns.workers + ns.queue
    args = ["--workers", str(ns.workers), "--pool", ns.pool, "--queue", str(ns.queue),
            "--upload-timeout", str(ns.upload_timeout), "--max-bytes", str(ns.max_bytes), "--timeout", "60"]
    report: dict[str, Any] = {"config": {"workers": ns.workers, "pool": ns.pool, "queue": ns.queue,
                                         "photos": names, "cpus": os.cpu_count(),
                                         "load_average_before": os.getloadavg()[0]}}
    failures: list[str] = []

    def show(name: str, value: Any) -> None:
        report[name] = value
        print(f"{name}: {json.dumps(value)}", flush=True)

    with running_server(args, url=ns.url) as server:
        res0 = resources(server)
        show("idle", res0)
        median = None
        if "baseline" in phases or "sustained" in phases:
            b = baseline(server.url, photos)
            median = b["median_s"]
            show("baseline", b)
        if "sustained" in phases:
            before = resources(server)
            t = asyncio.run(run_clients(server.url, photos, clients, ns.duration))
            after = resources(server)
            s = t.summary()
            s["clients"] = clients
            s["cpu_cores_used"] = round((after["cpu_s"] - before["cpu_s"]) / t.seconds, 2)
            s["peak_rss_mb"] = after["peak_rss_mb"]
            s["server_errors"] = t.server_errors
            # Queue depth = everything the service holds at once (running + waiting): a request admitted
            # to a full service waits for at most that many scans, however many cores it really gets.
            depth = ns.workers + ns.queue
            bound = 2 * median * depth if median else None
            s["queue_depth"] = depth
            s["p95_bound_s"] = round(bound, 3) if bound else None
            s["p95_over_median"] = round(s["p95_s"] / median, 2) if median and s["p95_s"] else None
            show("sustained", s)
            if t.server_errors:
                failures.append(f"sustained: {t.server_errors} 5xx answers other than busy")
            if t.errors:
                failures.append(f"sustained: client errors {dict(t.errors)}")
            if bound and s["p95_s"] is not None and s["p95_s"] > bound:
                failures.append(f"sustained: p95 {s['p95_s']}s over the bound {bound:.2f}s")
        if "overload" in phases:
            t = asyncio.run(run_clients(server.url, photos, ns.overload_clients, ns.duration))
            s = t.summary()
            s["clients"] = ns.overload_clients
            s["server_errors"] = t.server_errors
            s["peak_rss_mb"] = resources(server)["peak_rss_mb"]
            show("overload", s)
            if t.server_errors or t.errors or t.codes.get("timeout"):
                failures.append("overload: answers other than 200 and 503 busy")
            if ns.overload_clients > ns.workers + ns.queue and not t.codes.get("busy"):
                failures.append("overload: no busy answers")
        if "faults" in phases:
            f = faults(server.url, photos, max(1, ns.workers), ns.upload_timeout, ns.max_bytes)
            show("faults", f)
            if f["others_server_errors"] or f["others"]["client_errors"] or not f["others"]["ok"]:
                failures.append("faults: well-behaved clients were not all served")
            if f.get("slow_loris", {}).get("status") != 408:
                failures.append("faults: slow upload was not answered 408")
            if f.get("oversized_stream", {}).get("status") != 413:
                failures.append("faults: oversized stream was not answered 413")
            if f["healthz_after"] != 200:
                failures.append("faults: service unhealthy afterwards")
        if "parity" in phases:
            labels = json.loads((samples / "labels.json").read_text())
            files = [samples / s["file"] for s in labels]
            if ns.parity_limit:
                files = files[: ns.parity_limit]
            p = parity(server.url, files)
            show("parity", p)
            if p["different"]:
                failures.append(f"parity: {len(p['different'])} samples differ")
        show("end", resources(server))
    report["failures"] = failures
    report["load_average_after"] = os.getloadavg()[0]
    if ns.json:
        Path(ns.json).write_text(json.dumps(report, indent=2))
    print("FAIL: " + "; ".join(failures) if failures else "all floors met", flush=True)
    return 1 if failures else 0

