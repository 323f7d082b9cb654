"""HTTP service: ``linkage-scanner serve`` (FastAPI + uvicorn).

Why a service at all: app backends can keep Tesseract, OpenCV and the recogniser
(and their memory) in one place and scale by adding replicas behind a load
balancer.  The design follows from the two promises of the library:

* **Bounded**: scans are CPU-bound, so they run in a fixed pool of workers and
  never on the event loop.  A request first reserves one of ``workers + queue``
  slots; when none is free it gets ``503 busy`` at once instead of piling up.
  Each request has a time limit that covers the queue wait and the scan
  (``504 timeout``).  The body is read by this module, chunk by chunk, and
  refused with ``413 too_large`` as soon as it passes the limit; the whole body
  must arrive within the upload time limit (``408 upload_timeout``), so a slow
  upload holds a connection but never a worker.
* **Stateless and quiet**: the upload is parsed in memory (multipart included:
  nothing is spooled to a temporary file), nothing is stored, and the access
  log is this module's own one-line record (method, path, status, time, sizes)
  with uvicorn's access log turned off, so no body, query value or result can
  reach a log.  Unexpected errors are logged by exception type only.

Configuration comes from environment variables (``LINKAGE_SCANNER_*``) and, for
the command line, from flags that override them; see :class:`ServiceConfig`.
"""

import argparse
import asyncio
import concurrent.futures as cf
import hashlib
import hmac
import logging
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from typing import Any, Literal

from .errors import InputTooLarge, ScannerError, ScanTimeout

log = logging.getLogger("scanner.service")
access_log = logging.getLogger("scanner.access")

ENV_PREFIX = "LINKAGE_SCANNER_"
#: Bytes a multipart envelope may add to the file it carries (boundaries, part headers).
MULTIPART_SLACK = 64 * 1024
#: Most parts a multipart body may have; more is not an upload form.
MAX_PARTS = 16

PoolKind = Literal["thread", "process"]


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class ServiceConfig:
    """Every service setting, with the environment variable that sets it.

    Defaults suit one replica on a small machine: as many scan workers as
    cores, a queue twice that deep, 30 s per request.
    """

    host: str = "127.0.0.1"  # LINKAGE_SCANNER_HOST
    port: int = 8080  # LINKAGE_SCANNER_PORT
    workers: int = 0  # LINKAGE_SCANNER_WORKERS: scans at once; 0 = number of cores
    pool: PoolKind = "thread"  # LINKAGE_SCANNER_POOL: thread (default, measured faster here) or process
    queue: int = -1  # LINKAGE_SCANNER_QUEUE: scans that may wait for a worker; -1 = 2 x workers
    timeout: float = 30.0  # LINKAGE_SCANNER_TIMEOUT: seconds per request, queue wait + scan
    upload_timeout: float = 20.0  # LINKAGE_SCANNER_UPLOAD_TIMEOUT: seconds for the whole body to arrive
    max_bytes: int = 20 * 1024 * 1024  # LINKAGE_SCANNER_MAX_BYTES: largest accepted file
    api_key: str | None = field(default=None, repr=False)  # LINKAGE_SCANNER_API_KEY: /v1/scan needs X-API-Key
    max_per_client: int = 0  # LINKAGE_SCANNER_MAX_PER_CLIENT: scans in flight per client address; 0 = no cap
    max_connections: int = 128  # LINKAGE_SCANNER_MAX_CONNECTIONS: uvicorn's connection cap (503 beyond)
    demo: bool = True  # LINKAGE_SCANNER_DEMO: serve the demo page at /
    engine: str | None = None  # LINKAGE_SCANNER_ENGINE: OCR back-end (tesserocr, pytesseract)
    log_level: str = "info"  # LINKAGE_SCANNER_LOG_LEVEL

    def resolved(self) -> "ServiceConfig":
        """Fill in the derived defaults (workers from cores, queue from workers)."""
        workers = self.workers if self.workers > 0 else (os.cpu_count() or 1)
        queue = self.queue if self.queue >= 0 else 2 * workers
        return replace(self, workers=workers, queue=queue)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> "ServiceConfig":
        """Settings from ``LINKAGE_SCANNER_*`` variables, then ``overrides`` (flags) on top."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = _parse_value(f.name, raw, f.default)
        values.update({k: v for k, v in overrides.items() if v is not None})
        cfg = cls(**values)
        if cfg.pool not in ("thread", "process"):
            raise ValueError(f"{ENV_PREFIX}POOL must be thread or process, not {cfg.pool!r}")
        return cfg.resolved()


def _parse_value(name: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{ENV_PREFIX}{name.upper()} must be true or false")
    try:
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
    except ValueError:
        raise ValueError(f"{ENV_PREFIX}{name.upper()} must be a number") from None
    return raw


# --------------------------------------------------------------------------- errors


class ServiceError(ScannerError):
    """An error of the service itself (not of the input's content)."""


class BadRequest(ServiceError):
    code = "bad_request"
    http_status = 400


class Unauthorized(ServiceError):
    code = "unauthorized"
    http_status = 401


class UploadTimeout(ServiceError):
    code = "upload_timeout"
    http_status = 408


class TooManyRequests(ServiceError):
    code = "rate_limited"
    http_status = 429


class Busy(ServiceError):
    code = "busy"
    http_status = 503


class NotReady(ServiceError):
    code = "not_ready"
    http_status = 503


class ClientGone(ServiceError):
    """The client closed the connection before its upload arrived; nobody reads the answer."""

    code = "client_closed"
    http_status = 499


class InternalError(ServiceError):
    code = "internal_error"
    http_status = 500


#: Every error code the API can answer, by status, for the OpenAPI document.
ERROR_CODES: dict[int, list[str]] = {
    400: ["bad_request"],
    401: ["unauthorized"],
    404: ["not_found"],
    408: ["upload_timeout"],
    413: ["too_large"],
    415: ["unsupported_input"],
    422: ["unreadable_input"],
    429: ["rate_limited"],
    500: ["internal_error"],
    503: ["busy", "not_ready", "engine_unavailable"],
    504: ["timeout"],
}


# --------------------------------------------------------------------------- the worker pool


def _warm(engine_name: str | None = None) -> tuple[int, int]:
    """Load the OCR engine and the recogniser in this worker (thread or process) and run each once.

    Tesseract API objects are per thread, so every worker thread warms its own;
    the first real request then costs what every later one does.
    """
    import numpy as np

    from .api import _recognizer
    from .ocr import get_engine

    global _warm_error
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        engine = get_engine(engine_name)
    except ScannerError as exc:
        # Kept for _ping to raise: an exception here would break the pool and print a traceback instead.
        _warm_error = exc
        return os.getpid(), threading.get_ident()
    blank = np.full((120, 400), 255, np.uint8)
    blank[50:70, 40:360] = 0
    engine.words(blank)
    engine.line(blank[40:80])
    try:
        engine.orientation(blank)
    except Exception:  # noqa: BLE001 - orientation of a blank page may fail; the API object exists now
        pass
    rec = _recognizer()
    if rec is not None:
        rec.read(blank[40:80])
    return os.getpid(), threading.get_ident()


_warm_error: ScannerError | None = None


def _ping() -> tuple[int, int]:
    """A tiny job that holds its worker briefly, so a round of them reaches every worker."""
    if _warm_error is not None:
        raise _warm_error
    time.sleep(0.2)
    return os.getpid(), threading.get_ident()


def _scan_job(data: bytes, crops: bool, deadline: float, engine: str | None, max_bytes: int) -> str:
    """Scan one upload in a worker and return the JSON contract as text.

    ``deadline`` is a ``time.monotonic()`` value (system-wide on Linux, so it
    holds across processes): time spent waiting in the queue counts.  Errors
    that are not :class:`ScannerError` are replaced by their type name so no
    message (which might quote input) crosses the process boundary or a log.
    """
    from .api import scan
    from .load import Limits

    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ScanTimeout("the request waited longer than the time limit; try again later")
    try:
        result = scan(data, engine=engine, crops=crops, limits=Limits(max_bytes=max_bytes), timeout=remaining)
    except ScannerError:
        raise
    except Exception as exc:  # noqa: BLE001 - sanitised here, logged by type in the service
        raise InternalError(f"scan failed ({type(exc).__name__})") from None
    return result.model_dump_json()


class ScanPool:
    """A fixed pool of scan workers with a bounded number of slots (running + waiting).

    The slot count, not the executor's own queue, bounds the work: a slot is
    taken before submitting and given back only when the job has really
    finished, so a request that timed out still counts until its worker is free
    and the pool can never be overcommitted.
    """

    def __init__(self, cfg: ServiceConfig) -> None:
        self.cfg = cfg
        self.capacity = cfg.workers + cfg.queue
        self._in_system = 0
        self._lock = threading.Lock()
        self._executor: cf.Executor | None = None
        self.ready = False
        self.error: str | None = None
        self.warm_seconds: float | None = None

    def _make_executor(self) -> cf.Executor:
        if self.cfg.pool == "process":
            # spawn: a fork of a process that runs an event loop and threads is not safe.
            ctx = multiprocessing.get_context("spawn")
            return cf.ProcessPoolExecutor(max_workers=self.cfg.workers, mp_context=ctx, initializer=_warm,
                                          initargs=(self.cfg.engine,))
        return cf.ThreadPoolExecutor(max_workers=self.cfg.workers, thread_name_prefix="scan", initializer=_warm,
                                     initargs=(self.cfg.engine,))

    async def start(self) -> None:
        """Create the workers and warm every one of them; ``ready`` turns true when done."""
        started = time.perf_counter()
        self._executor = self._make_executor()
        loop = asyncio.get_running_loop()
        seen: set[tuple[int, int]] = set()
        for _ in range(20):  # rounds of short jobs until each worker has answered once
            jobs = [loop.run_in_executor(self._executor, _ping) for _ in range(self.cfg.workers)]
            seen.update(await asyncio.gather(*jobs))
            if len(seen) >= self.cfg.workers:
                break
        self.warm_seconds = round(time.perf_counter() - started, 2)
        self.ready = True
        log.info("scan pool ready: %d %s workers, %d queue slots, warmed in %.1fs",
                 self.cfg.workers, self.cfg.pool, self.cfg.queue, self.warm_seconds)

    def shutdown(self) -> None:
        """Stop the workers. Waits for them: a process pool left to wind down on its own while the
        server exits leaves its worker processes behind (seen after a SIGTERM)."""
        self.ready = False
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)

    @property
    def in_system(self) -> int:
        return self._in_system

    def try_reserve(self) -> bool:
        with self._lock:
            if self._in_system >= self.capacity:
                return False
            self._in_system += 1
            return True

    def release(self, _fut: object = None) -> None:
        with self._lock:
            self._in_system -= 1

    def submit(self, data: bytes, crops: bool, deadline: float) -> tuple[cf.Future, cf.Executor]:
        """Submit a scan for a slot already reserved; the slot is released when the job ends.

        Returns the future and the executor it went to (to restart the right one if it breaks).
        """
        executor = self._executor
        assert executor is not None
        try:
            fut = executor.submit(_scan_job, data, crops, deadline, self.cfg.engine, self.cfg.max_bytes)
        except Exception as exc:
            self.release()
            exc.executor = executor  # type: ignore[attr-defined]
            raise
        fut.add_done_callback(self.release)
        return fut, executor

    def restart(self, broken: cf.Executor | None) -> None:
        """Replace a process pool whose worker died (segfault, OOM kill): a broken pool refuses all work.

        Only the broken pool is replaced, once, however many requests saw it break.
        """
        with self._lock:
            if broken is None or self._executor is not broken:
                return
            self._executor = self._make_executor()
        broken.shutdown(wait=False, cancel_futures=True)
        log.error("a scan worker process died; the pool was restarted")


# --------------------------------------------------------------------------- reading the body


async def _read_upload(request: Any, max_bytes: int, upload_timeout: float) -> bytes:
    """The uploaded file's bytes: a multipart part or the raw body, read in memory with a size cap."""
    ctype = request.headers.get("content-type", "")
    if not ctype:
        raise BadRequest("send the photo as multipart/form-data (field 'file') or as the raw body with its Content-Type")
    multipart = ctype.lower().startswith("multipart/")
    limit = max_bytes + (MULTIPART_SLACK if multipart else 0)
    length = request.headers.get("content-length")
    if length is not None:
        try:
            declared = int(length)
        except ValueError:
            raise BadRequest("Content-Length is not a number") from None
        if declared > limit:  # refused before a byte of the body is read
            raise InputTooLarge(f"the upload is {declared} bytes; the limit is {max_bytes} bytes")
    sink = _MultipartSink(ctype, max_bytes) if multipart else None
    raw = bytearray()
    total = 0

    async def pump() -> None:
        nonlocal total
        from starlette.requests import ClientDisconnect

        try:
            stream = request.stream()
            async for chunk in stream:
                total += len(chunk)
                if total > limit:
                    raise InputTooLarge(f"the upload is over {max_bytes} bytes, the limit")
                if sink is not None:
                    sink.write(chunk)
                else:
                    raw.extend(chunk)
        except ClientDisconnect:
            raise ClientGone("the client closed the connection during the upload") from None

    try:
        await asyncio.wait_for(pump(), timeout=upload_timeout)
    except asyncio.TimeoutError:
        raise UploadTimeout(f"the upload did not arrive within {upload_timeout:g} s") from None
    if sink is not None:
        return sink.finish()
    return bytes(raw)


class _MultipartSink:
    """Streams a multipart body through python-multipart's parser into memory.

    Starlette's own form parser spools files over 1 MB to a temporary file;
    this keeps the promise that nothing reaches the disk.  The part named
    ``file`` is taken, else the first part that carries a file name.
    """

    def __init__(self, ctype: str, max_bytes: int) -> None:
        try:
            from python_multipart.multipart import MultipartParser, parse_options_header
        except ImportError:  # python-multipart before 0.0.13
            from multipart.multipart import MultipartParser, parse_options_header  # type: ignore[no-redef]

        _, params = parse_options_header(ctype)
        boundary = params.get(b"boundary")
        if not boundary:
            raise BadRequest("multipart body without a boundary")
        self.max_bytes = max_bytes
        self.parts = 0
        self.done = False
        self.chosen: bytearray | None = None
        self._cur: bytearray | None = None
        self._cur_rank = 0
        self._chosen_rank = 0
        self._hname = bytearray()
        self._hvalue = bytearray()
        self._disp = b""
        callbacks = {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda d, s, e: self._hname.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self._hvalue.extend(d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_end": self._end,
        }
        self._parser = MultipartParser(boundary, callbacks)

    def _part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise BadRequest(f"multipart body with more than {MAX_PARTS} parts")
        self._disp = b""
        self._cur = None

    def _header_end(self) -> None:
        if bytes(self._hname).strip().lower() == b"content-disposition":
            self._disp = bytes(self._hvalue)
        self._hname.clear()
        self._hvalue.clear()

    def _headers_finished(self) -> None:
        try:
            from python_multipart.multipart import parse_options_header
        except ImportError:
            from multipart.multipart import parse_options_header  # type: ignore[no-redef]
        _, params = parse_options_header(self._disp)
        rank = 2 if params.get(b"name") == b"file" else 1 if b"filename" in params else 0
        if rank > self._chosen_rank:
            self._cur, self._cur_rank = bytearray(), rank
        else:
            self._cur = None

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._cur is not None:
            self._cur.extend(data[start:end])
            if len(self._cur) > self.max_bytes:
                raise InputTooLarge(f"the upload is over {self.max_bytes} bytes, the limit")

    def _part_end(self) -> None:
        if self._cur is not None:
            self.chosen, self._chosen_rank = self._cur, self._cur_rank
            self._cur = None

    def _end(self) -> None:
        self.done = True

    def write(self, chunk: bytes) -> None:
        try:
            self._parser.write(chunk)
        except ScannerError:
            raise
        except Exception:  # noqa: BLE001 - python-multipart's parse errors
            raise BadRequest("the multipart body is malformed") from None

    def finish(self) -> bytes:
        if not self.done:
            raise BadRequest("the multipart body is incomplete (no closing boundary)")
        if self.chosen is None:
            raise BadRequest("the multipart body has no file part; send the photo in a field named 'file'")
        return bytes(self.chosen)


# --------------------------------------------------------------------------- the app


def _static_text(name: str) -> str:
    return resources.files("scanner").joinpath("static", name).read_text(encoding="utf-8")


def _csp_for(page: str) -> str:
    """A Content-Security-Policy that allows exactly the page's own inline script and style (by hash)."""
    import base64
    import re

    def hashes(tag: str) -> str:
        out = []
        for body in re.findall(rf"<{tag}>(.*?)</{tag}>", page, flags=re.S):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            out.append(f"'sha256-{digest}'")
        return " ".join(out) or "'none'"

    return (f"default-src 'none'; script-src {hashes('script')}; style-src {hashes('style')}; "
            "img-src data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'")


def create_app(cfg: ServiceConfig | None = None) -> "AccessLog":
    """Build the FastAPI app for ``cfg`` (default: from the environment).

    The pool is started in the app's lifespan: ``/healthz`` answers at once and
    ``/readyz`` only once every worker has loaded and run the engine, so a load
    balancer sends no traffic to a replica that is still warming up.
    """
    from contextlib import asynccontextmanager

    from fastapi import FastAPI, Query, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse, Response
    from pydantic import BaseModel, Field
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from . import __version__
    from .models import ScanResult

    cfg = (cfg or ServiceConfig.from_env()).resolved()
    pool = ScanPool(cfg)
    per_client: dict[str, int] = {}

    class ErrorBody(BaseModel):
        """Every error answer: a stable machine code and a message for people (never a code value)."""

        code: str = Field(description="stable error code: " + ", ".join(sorted({c for cs in ERROR_CODES.values() for c in cs})))
        message: str = Field(description="what went wrong and what to do")

    class Health(BaseModel):
        status: str
        version: str = __version__

    class Ready(BaseModel):
        status: str
        workers: int
        pool: str
        capacity: int = Field(description="scans that may be running or waiting at once")
        in_flight: int = Field(description="scans running or waiting now")
        warm_seconds: float | None = None

    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # noqa: ANN202
        task = asyncio.create_task(pool.start())

        def report(t: asyncio.Task) -> None:
            exc = None if t.cancelled() else t.exception()
            if exc is not None:  # e.g. no OCR engine: /readyz stays 503 and says why
                pool.error = exc.message if isinstance(exc, ScannerError) else type(exc).__name__
                log.error("scan pool failed to start: %s", pool.error)

        task.add_done_callback(report)
        try:
            yield
        finally:
            task.cancel()
            pool.shutdown()

    app = FastAPI(
        title="linkage-scanner",
        version=__version__,
        description="Reads the linkage key, ODS code and account ID from a photo or scan of a GP linkage-key letter. "
        "Nothing is stored; code values never appear in logs.",
        lifespan=lifespan,
        docs_url=None,  # the Swagger UI loads from a CDN; /openapi.json is enough
        redoc_url=None,
    )
    app.state.pool = pool
    app.state.config = cfg

    def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
        h = {"Cache-Control": "no-store"}
        if headers:
            h.update(headers)
        return JSONResponse({"code": code, "message": message}, status_code=status, headers=h)

    @app.exception_handler(ScannerError)
    async def _scanner_error(_req: Request, exc: ScannerError) -> JSONResponse:
        headers = {"Retry-After": "1"} if isinstance(exc, (Busy, NotReady, TooManyRequests)) else None
        if isinstance(exc, Unauthorized):
            headers = {"WWW-Authenticate": "X-API-Key"}
        return error_response(exc.http_status, exc.code, exc.message, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_req: Request, exc: RequestValidationError) -> JSONResponse:
        where = ", ".join(".".join(str(p) for p in e.get("loc", ())) for e in exc.errors())
        return error_response(400, "bad_request", f"invalid request parameter: {where}")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(_req: Request, exc: Exception) -> JSONResponse:
        log.error("internal error: %s", type(exc).__name__)  # the type only: a message might quote input
        return error_response(500, "internal_error", "internal error; the request was not processed")

    def error_doc(*statuses: int) -> dict[int | str, dict[str, Any]]:
        return {s: {"model": ErrorBody, "description": "error codes: " + ", ".join(ERROR_CODES[s])} for s in statuses}

    scan_body_doc = {
        "requestBody": {
            "required": True,
            "description": f"The photo, scan, PDF or email: a multipart form field named `file`, or the raw body with "
            f"its Content-Type. At most {cfg.max_bytes} bytes.",
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "required": ["file"],
                               "properties": {"file": {"type": "string", "format": "binary"}}}
                },
                "image/*": {"schema": {"type": "string", "format": "binary"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }

    @app.post(
        "/v1/scan",
        response_model=ScanResult,
        summary="Read the three codes from one letter",
        responses=error_doc(400, 401, 408, 413, 415, 422, 429, 500, 503, 504),
        openapi_extra=scan_body_doc,
    )
    async def scan_endpoint(
        request: Request,
        crops: bool = Query(False, description="add base64 PNG crops of each value and of the panel"),
    ) -> Response:
        """Scan one upload.  The answer is the library's ``ScanResult`` JSON, byte for byte."""
        if cfg.api_key:
            given = request.headers.get("x-api-key", "")
            if not hmac.compare_digest(given.encode(), cfg.api_key.encode()):
                raise Unauthorized("missing or wrong X-API-Key header")
        if pool.error:
            raise NotReady(f"the scan workers failed to start: {pool.error}")
        if not pool.ready:
            raise NotReady("the scanner is still starting; try again in a few seconds")
        deadline = time.monotonic() + cfg.timeout
        client = request.client.host if request.client else "?"
        if cfg.max_per_client and per_client.get(client, 0) >= cfg.max_per_client:
            raise TooManyRequests(f"at most {cfg.max_per_client} scans at once per client; wait for one to finish")
        if pool.in_system >= pool.capacity:  # cheap early answer; the reservation below is the real check
            raise Busy("the scanner is busy; try again in a moment")
        data = await _read_upload(request, cfg.max_bytes, cfg.upload_timeout)
        if cfg.max_per_client:
            if per_client.get(client, 0) >= cfg.max_per_client:
                raise TooManyRequests(f"at most {cfg.max_per_client} scans at once per client; wait for one to finish")
            per_client[client] = per_client.get(client, 0) + 1
        try:
            if not pool.try_reserve():
                raise Busy("the scanner is busy; try again in a moment")
            return await _run_scan(request, data, crops, deadline)
        finally:
            if cfg.max_per_client:
                per_client[client] -= 1
                if per_client[client] <= 0:
                    del per_client[client]

    async def _run_scan(request: Request, data: bytes, crops: bool, deadline: float) -> Response:
        try:
            fut, executor = pool.submit(data, crops, deadline)
        except cf.BrokenExecutor as exc:
            pool.restart(getattr(exc, "executor", None))
            raise NotReady("a scan worker was restarted; try again") from None
        del data
        waiter = asyncio.ensure_future(asyncio.wrap_future(fut))
        gone = asyncio.ensure_future(_disconnected(request))
        try:
            done, _ = await asyncio.wait({waiter, gone}, timeout=max(0.0, deadline - time.monotonic()) + 1.0,
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone.cancel()
        if waiter not in done:
            fut.cancel()  # drops it if it has not started; a running scan stops at its own deadline
            waiter.cancel()
            if gone in done:
                return Response(status_code=499)  # nobody is listening; only the access log sees this
            raise ScanTimeout("scanning took longer than the time limit; try a smaller or clearer image")
        try:
            body = waiter.result()
        except cf.BrokenExecutor:
            pool.restart(executor)
            raise InternalError("the scan worker stopped unexpectedly; try again") from None
        except InternalError as exc:
            log.error("scan worker error: %s", exc.message)
            raise
        return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})

    async def _disconnected(request: Request) -> None:
        """Return when the client goes away (the body is already read, so the next message is the disconnect)."""
        while True:
            message = await request.receive()
            if message["type"] == "http.disconnect":
                return

    @app.get("/healthz", response_model=Health, summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/readyz", response_model=Ready, summary="Readiness: every worker has loaded and run the OCR engine",
             responses=error_doc(503))
    async def readyz() -> Any:
        if pool.error:
            raise NotReady(f"the scan workers failed to start: {pool.error}")
        if not pool.ready:
            raise NotReady("the scan workers are still warming up")
        return {"status": "ready", "workers": cfg.workers, "pool": cfg.pool, "capacity": pool.capacity,
                "in_flight": pool.in_system, "warm_seconds": pool.warm_seconds}

    if cfg.demo:
        page = _static_text("index.html")
        page_headers = {
            "Content-Security-Policy": _csp_for(page),
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-cache",
        }

        @app.get("/", response_class=HTMLResponse, include_in_schema=False)
        async def demo_page() -> HTMLResponse:
            return HTMLResponse(page, headers=page_headers)

    return AccessLog(app)


class AccessLog:
    """ASGI middleware: one log line per request with no body, no query string and no result in it.

    uvicorn's own access log is turned off by ``serve`` (it logs the full
    request line, query included); this line is the replacement.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    def __getattr__(self, name: str) -> Any:  # app.state, app.openapi() ... reach the wrapped app
        return getattr(self.app, name)

    async def __call__(self, scope: dict, receive: Callable[[], Awaitable[dict]], send: Callable[[dict], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0
        received = 0
        sent = 0

        async def counting_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
            return message

        async def counting_send(message: dict) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, counting_receive, counting_send)
        finally:
            client = scope.get("client") or ("-", 0)
            access_log.info('%s "%s %s" %s %.0fms in=%dB out=%dB', client[0], scope.get("method"), scope.get("path"),
                            status or "-", 1000 * (time.perf_counter() - started), received, sent)


# --------------------------------------------------------------------------- command line


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``serve`` flags; each overrides its ``LINKAGE_SCANNER_*`` variable."""
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 8080)")
    p.add_argument("--workers", type=int, help="scan workers (default: number of cores)")
    p.add_argument("--pool", choices=["thread", "process"], help="worker kind (default thread)")
    p.add_argument("--queue", type=int, help="scans that may wait for a worker before 503 busy (default 2 x workers)")
    p.add_argument("--timeout", type=float, help="seconds per request, queue wait included (default 30)")
    p.add_argument("--upload-timeout", type=float, help="seconds for the whole upload to arrive (default 20)")
    p.add_argument("--max-bytes", type=int, help="largest upload in bytes (default 20 MiB)")
    p.add_argument("--max-per-client", type=int, help="scans in flight per client address, 429 beyond (default 0: no cap)")
    p.add_argument("--max-connections", type=int, help="open connections before uvicorn answers 503 (default 128)")
    p.add_argument("--no-demo", dest="demo", action="store_const", const=False, help="do not serve the demo page at /")
    p.add_argument("--log-level", choices=["debug", "info", "warning", "error"], help="default info")
    # The API key is read from LINKAGE_SCANNER_API_KEY only: a flag would show it in `ps`.


def log_config(level: str) -> dict[str, Any]:
    """uvicorn logging with its access logger silenced and ours on stderr."""
    lvl = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"err": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["err"], "level": lvl, "propagate": False},
            "uvicorn.error": {"level": lvl},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "scanner": {"handlers": ["err"], "level": lvl, "propagate": False},
        },
    }


def serve(ns: argparse.Namespace | None = None) -> int:
    """Run the service until interrupted (``linkage-scanner serve``)."""
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        print("error: the service needs its extra: pip install 'linkage-scanner[serve]'", file=sys.stderr)
        return 2

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    flags = {f.name: getattr(ns, f.name, None) for f in fields(ServiceConfig)} if ns is not None else {}
    flags.pop("api_key", None)
    try:
        cfg = ServiceConfig.from_env(**flags)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 2
    app = create_app(cfg)
    uvicorn.run(
        app,
        host=cfg.host,
        port=cfg.port,
        access_log=False,
        log_config=log_config(cfg.log_level),
        limit_concurrency=cfg.max_connections,
        timeout_keep_alive=5,
        server_header=False,
        proxy_headers=True,
    )
    return 0

