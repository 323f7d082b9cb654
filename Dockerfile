# linkage-scanner HTTP service: `docker build -t linkage-scanner .` then
#   docker run --rm -p 8080:8080 --read-only --cpus 2 --memory 1g linkage-scanner
# Debian slim + pip only: Tesseract, OpenCV, onnxruntime and libheif all come inside PyPI wheels, so there is
# no apt-get here.  The service writes nothing, so the root filesystem can be read-only.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OMP_THREAD_LIMIT=1 \
    LINKAGE_SCANNER_HOST=0.0.0.0 \
    LINKAGE_SCANNER_PORT=8080

RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin scanner

COPY pyproject.toml README.md /src/
COPY scanner /src/scanner
RUN pip install "/src[serve]" && rm -rf /src

USER 10001
EXPOSE 8080
# Ready only when every worker has loaded and run the OCR engine (see /readyz).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8080/readyz', timeout=2).status != 200)"]
CMD ["linkage-scanner", "serve"]
