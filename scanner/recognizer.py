"""Line recogniser for linkage keys, ODS codes and account IDs.

Why a model of our own: stock Tesseract's word-trained LSTM misreads random
case-sensitive keys (l/I/1, O/0, x/X ...).  This runs a small CNN+BiLSTM CTC
model (scanner/weights/keyreader.onnx, see MODEL_CARD.md) with onnxruntime and
returns per-character posteriors so callers can say which characters are
uncertain.  Runtime deps: numpy, cv2, onnxruntime only.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

# Model alphabet; index 0 of the model output is the CTC blank.
CHARSET = ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
           " /!?*+=-:.()'")
INPUT_HEIGHT = 32
STRIDE = 2          # input columns per output frame
MIN_WIDTH = 16
MAX_WIDTH = 2048
DEFAULT_MODEL = Path(__file__).resolve().parent / "weights" / "keyreader.onnx"


@dataclass(frozen=True)
class CharRead:
    char: str
    prob: float  # posterior of `char` at this position (0..1)
    alternatives: tuple[tuple[str, float], ...]  # others with prob >= 0.01
    x0: int      # horizontal extent in the input crop's pixels
    x1: int


@dataclass(frozen=True)
class LineRead:
    text: str
    chars: tuple[CharRead, ...]  # one per character of text, spaces included
    confidence: float            # MIN of the char probs (0.0 for empty text)


def preprocess(line: np.ndarray) -> np.ndarray:
    """Crop -> float32 (32, W): ink ~1, paper ~0.  Shared with training."""
    a = np.asarray(line)
    if a.ndim == 3:
        if a.shape[2] == 4:
            a = cv2.cvtColor(a, cv2.COLOR_BGRA2GRAY)
        elif a.shape[2] == 3:
            a = cv2.cvtColor(a, cv2.COLOR_BGR2GRAY)
        else:
            a = a[:, :, 0]
    if a.dtype != np.uint8:
        a = np.clip(a, 0, 255).astype(np.uint8)
    h, w = a.shape[:2]
    if h < 1 or w < 1:
        raise ValueError("empty crop")
    nw = int(round(w * INPUT_HEIGHT / h))
    nw = min(MAX_WIDTH, max(MIN_WIDTH, nw))
    interp = cv2.INTER_AREA if h > INPUT_HEIGHT else cv2.INTER_LINEAR
    r = cv2.resize(a, (nw, INPUT_HEIGHT), interpolation=interp)
    x = r.astype(np.float32)
    # Paper is the majority: light-on-dark crops get inverted.
    if np.median(x) < 0.5 * (float(x.max()) + float(x.min())):
        x = 255.0 - x
    lo, hi = np.percentile(x, (1.0, 99.0))
    if hi - lo < 8.0:
        lo, hi = float(x.min()), float(x.max()) + 8.0
    x = (hi - x) / (hi - lo)
    return np.clip(x, 0.0, 1.0).astype(np.float32)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def decode(probs: np.ndarray, n_frames: int, scale: float,
           in_width: int) -> LineRead:
    """Greedy CTC decode of (T, C) posteriors with per-char probabilities.

    Over the frames a char's label spans in the best path: alternatives come
    from the non-blank mass summed per class and renormalised (blank
    excluded); the char's prob is min(that share, max raw softmax prob of the
    char), so blank competition (a possibly doubled/inserted char) lowers it.
    """
    p = probs[:n_frames]
    best = p.argmax(axis=1)
    spans: list[tuple[int, int, int]] = []
    t = 0
    while t < n_frames:
        c = int(best[t])
        t1 = t
        while t1 + 1 < n_frames and best[t1 + 1] == c:
            t1 += 1
        if c != 0:
            spans.append((c, t, t1))
        t = t1 + 1
    chars = []
    for c, t0, t1 in spans:
        mass = p[t0:t1 + 1, 1:].sum(axis=0)
        tot = float(mass.sum())
        q = mass / tot if tot > 0 else mass
        ch = CHARSET[c - 1]
        order = np.argsort(-q)
        alts = tuple((CHARSET[k], round(float(q[k]), 4)) for k in order[:6]
                     if k != c - 1 and q[k] >= 0.01)
        x0 = int(np.floor(t0 * STRIDE * scale))
        x1 = int(np.ceil((t1 + 1) * STRIDE * scale))
        pr = min(float(q[c - 1]), float(p[t0:t1 + 1, c].max()))
        chars.append(CharRead(ch, min(1.0, max(0.0, pr)), alts,
                              max(0, x0), min(in_width, max(x1, x0 + 1))))
    # tidy spaces: no leading/trailing, no doubles
    out: list[CharRead] = []
    for cr in chars:
        if cr.char == " " and (not out or out[-1].char == " "):
            continue
        out.append(cr)
    while out and out[-1].char == " ":
        out.pop()
    text = "".join(c.char for c in out)
    conf = min((c.prob for c in out), default=0.0)
    return LineRead(text, tuple(out), float(conf))


class KeyRecognizer:
    """Thread-safe: one onnxruntime session, created once, shared."""

    def __init__(self, model_path: str | Path | None = None):
        path = Path(model_path) if model_path is not None else DEFAULT_MODEL
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        so.log_severity_level = 3
        self._sess = ort.InferenceSession(str(path), sess_options=so,
                                          providers=["CPUExecutionProvider"])
        self._in = self._sess.get_inputs()[0].name

    def _run(self, batch: np.ndarray) -> np.ndarray:
        logits = self._sess.run(None, {self._in: batch})[0]  # (N, T, C)
        return _softmax(logits.astype(np.float32))

    def read(self, line: np.ndarray) -> LineRead:
        return self.read_batch([line])[0]

    def read_batch(self, lines: Sequence[np.ndarray], max_batch: int = 32) -> list[LineRead]:
        """Lines of similar width run together, at most ``max_batch`` at a time (memory grows
        with the batch: onnxruntime keeps its largest activations allocated)."""
        pre = [preprocess(crop) for crop in lines]
        results: list[LineRead | None] = [None] * len(pre)
        order = sorted(range(len(pre)), key=lambda i: pre[i].shape[1])
        i = 0
        while i < len(order):
            # group lines of similar width (pad <= 25%) to limit padding
            j = i + 1
            w0 = pre[order[i]].shape[1]
            while j < len(order) and j - i < max_batch and \
                    pre[order[j]].shape[1] <= w0 * 1.25 + 8:
                j += 1
            idx = order[i:j]
            W = max(pre[k].shape[1] for k in idx)
            W += (-W) % 4
            batch = np.zeros((len(idx), 1, INPUT_HEIGHT, W), np.float32)
            for n, k in enumerate(idx):
                batch[n, 0, :, :pre[k].shape[1]] = pre[k]
            probs = self._run(batch)
            for n, k in enumerate(idx):
                w = pre[k].shape[1]
                frames = min(probs.shape[1], (w + STRIDE - 1) // STRIDE)
                in_w = np.asarray(lines[k]).shape[1]
                results[k] = decode(probs[n], frames, in_w / w, in_w)
            i = j
        return results  # type: ignore[return-value]


_lock = threading.Lock()
_instance: KeyRecognizer | None = None


def get_recognizer() -> KeyRecognizer:
    """Process-wide shared recogniser, created on first use."""
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = KeyRecognizer()
    return _instance
