"""A corpus of broken exports, written by the project. Each case says what must happen:
handled (the named rejects, the rest kept, read = kept + rejected) or refused (exit code 2 and
one line naming the file and the problem)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

GOOD = ["Delivery was late again", "Доставка опоздала на неделю", "Piegāde kavējās"]


@dataclass
class Case:
    name: str
    file: str
    content: bytes | None = None  # None: written by ``write``
    refused: str | None = None  # the message, when the file must be refused
    rejects: dict[int, str] = field(default_factory=dict)  # data row -> reason, when handled
    kept: int | None = None
    check: dict[int, str] = field(default_factory=dict)  # data row -> the text it must read as
    notes: str | None = None  # a note the run must print
    write: object = None


def _csv(rows: list[str], encoding: str = "utf-8") -> bytes:
    return ("\n".join(rows) + "\n").encode(encoding)


def cases() -> list[Case]:
    out = [
        Case("empty file", "empty.csv", b"", refused="the file is empty"),
        Case("header only", "header.csv", b"id,comment,nps\n", refused="no data rows"),
        Case("binary file", "image.csv", bytes(range(256)) * 40, refused="binary file"),
        Case("column named twice", "twice.csv", _csv(["id,comment,comment", "1,a,b"]),
             refused="column named twice: comment"),
        Case("wrong delimiter (semicolons in a .csv)", "semi.csv",
             _csv(["id;comment;nps", "1;Delivery was late, again;3", "2;Fine;9"]), kept=2,
             check={1: "Delivery was late, again"}),
        Case("tabs in a .csv", "tabs.csv", _csv(["id\tcomment\tnps", "1\tSlow app\t4"]), kept=1),
        Case("quoted newlines", "newlines.csv",
             _csv(['id,comment,nps', '1,"first line\nsecond line, same comment",5', '2,next,9']), kept=2,
             check={1: "first line\nsecond line, same comment"}),
        Case("BOM", "bom.csv", b"\xef\xbb\xbf" + _csv(["comment,nps", "Good,10"]), kept=1),
        Case("cp1251", "cp1251.csv", _csv(["комментарий,оценка"] + [f"Доставка опоздала {i},3" for i in range(5)],
                                           "cp1251"), kept=5, check={1: "Доставка опоздала 0"}),
        Case("cp1257", "cp1257.csv", _csv(["komentārs,vērtējums"] + [f"Piegāde kavējās {i},3" for i in range(5)],
                                           "cp1257"), kept=5, check={1: "Piegāde kavējās 0"}),
        Case("UTF-16", "utf16.csv", _csv(["comment,nps", "Ļoti lēni 🐢,2"], "utf-16"), kept=1,
             check={1: "Ļoti lēni 🐢"}),
        Case("mixed encodings in one file", "mixed.csv",
             b"comment,nps\n" + "Доставка опоздала,3\n".encode("cp1251")
             + "Piegāde kavējās,4\n".encode() + "Всё отлично,10\n".encode("cp1251"), kept=3,
             check={1: "Доставка опоздала", 2: "Piegāde kavējās", 3: "Всё отлично"}),
        Case("a 1 MB comment", "huge.csv", _csv(["comment,nps", '"' + "very long complaint " * 52_000 + '",1',
                                                  "short,9"]), kept=2, notes="longer than 5,000 characters"),
        Case("emoji-only and punctuation-only", "symbols.csv",
             _csv(["comment,nps", "👍👍,10", "...,5", "-,7", "???,3", "😡,0"]), kept=2,
             rejects={2: "no words (punctuation only)", 3: "no words (punctuation only)",
                      4: "no words (punctuation only)"}),
        Case("HTML and Markdown", "markup.csv",
             _csv(["comment,nps", '"<p>The <b>app</b> crashes&nbsp;daily</p>",2', '"**Great** [staff](http://x.io)",10']),
             kept=2),
        Case("scores as text", "scores.csv",
             _csv(["comment,nps", "Good,10 - extremely likely", "Ok,N/A", 'Meh,"9,5"', "Fine,nine", "Hmm,lots"]),
             kept=4, rejects={5: "score 'lots' is not a number"}),
        Case("scores outside the scale", "outside.csv",
             _csv(["comment,nps", "a,11", "b,-1", "c,7", "d,100", "e,0", "f,9", "g,10", "h,4"]),
             kept=5, rejects={1: "score '11' is outside 0-10 (NPS)", 2: "score '-1' is outside 0-10 (NPS)",
                              4: "score '100' is outside 0-10 (NPS)"}),
        Case("duplicate ids", "dups.csv",
             _csv(["id,comment,nps", "7,Slow delivery,3", "7,Slow delivery,3", "7,Rude staff,2", "8,Fine,9"]),
             kept=3, rejects={2: "duplicate of row 1 (same id and content)"}, notes="made unique"),
        Case("dates in several formats", "dates.csv",
             _csv(["comment,nps,date", "a,5,2024-03-01", "b,5,01.03.2024", "c,5,3/1/24", "d,5,45352", "e,5,soon"]),
             kept=5, notes="could not be read"),
        Case("missing values everywhere", "missing.csv",
             _csv(["id,comment,nps,date,channel", ",,,,", "2,Only text,,,", ",No id either,9,,",
                   "4,,5,2024-01-01,web"]),
             kept=2, rejects={1: "empty comment", 4: "empty comment"}),
        Case("broken JSON lines", "lines.jsonl",
             b'{"comment": "ok one", "nps": 9}\n{"comment": broken\n{"comment": "ok two", "nps": 3}\n', kept=2,
             rejects={2: "not valid JSON (Expecting value)"}),
        Case("rows with too many fields", "ragged.csv", _csv(["comment,nps", "fine,9", "too,many,fields,here", "ok,8"]),
             kept=2),
        Case("a column named _row", "rowcol.csv",
             _csv(["_row,comment,nps", "ann@example.com,Delivery was late,3", "x,Great app,9"]), kept=2,
             check={1: "Delivery was late", 2: "Great app"}),
    ]
    return out


def write(case: Case, folder: Path) -> Path:
    path = folder / case.file
    path.write_bytes(case.content if case.content is not None else b"")
    return path


def write_corpus(folder: Path) -> list[tuple[Case, Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    return [(case, write(case, folder)) for case in cases()]


__all__ = ["GOOD", "Case", "cases", "json", "pd", "write", "write_corpus"]
