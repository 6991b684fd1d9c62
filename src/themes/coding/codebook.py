"""A researcher's codebook: codes with a name, an optional parent, a description, examples and
exclusions, in any language. Read from YAML, CSV or a REFI-QDA codebook (``.qdc``, the exchange
format of NVivo, ATLAS.ti, MAXQDA and QualCoder); written back to YAML and ``.qdc``.

YAML (``format: themes.codebook/1``)::

    codes:
      - id: late_flight
        name: Late flight
        description: The flight was delayed or arrived late.
        examples: [Two hours on the tarmac, Рейс задержали на три часа]
      - id: legroom
        parent: bad_flight          # or nest it under its parent's `codes:`
        name: Legroom

CSV: one row per code, columns ``code, parent, description, examples, exclusions`` (and
optionally ``name``); examples and exclusions separated by ``|``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
import yaml

from ..errors import ThemesError
from ..io.read import ROW, read_table

FORMAT = "themes.codebook/1"
QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
_GUID_ROOT = uuid.UUID("6f1c1f5e-3b0a-5d7e-9a51-7468656d6573")  # uuid5 namespace: a code's GUID from its id
EXAMPLES = "\nExamples: "
_ID = re.compile(r"[^\w.-]+", re.UNICODE)


@dataclass(frozen=True)
class Code:
    id: str
    name: str
    parent: str = ""
    description: str = ""
    examples: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    guid: str = ""  # kept from a .qdc so that a round trip keeps the other tool's identity

    @property
    def text(self) -> str:
        """What the code means, as one text to embed: its name and description."""
        return f"{self.name}: {self.description}" if self.description else self.name


@dataclass
class Codebook:
    codes: list[Code]
    source: str = ""
    origin: str = field(default="themes")

    def __post_init__(self) -> None:
        where = self.source or "codebook"
        if not self.codes:
            raise ThemesError(f"{where}: no codes")
        seen: set[str] = set()
        for code in self.codes:
            if not code.id:
                raise ThemesError(f"{where}: a code without an id or name")
            if code.id in seen:
                raise ThemesError(f"{where}: code '{code.id}' is listed twice")
            seen.add(code.id)
        for code in self.codes:
            if code.parent and code.parent not in seen:
                raise ThemesError(f"{where}: code '{code.id}' has parent '{code.parent}', which is not a code")
        for code in self.codes:  # a parent chain must end
            chain, at = {code.id}, code.parent
            while at:
                if at in chain:
                    raise ThemesError(f"{where}: code '{code.id}' is its own ancestor")
                chain.add(at)
                at = self.by_id[at].parent

    @cached_property
    def by_id(self) -> dict[str, Code]:
        return {c.id: c for c in self.codes}

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.codes]

    def top(self, code_id: str) -> str:
        """The top-level code a code sits under (itself when it has no parent)."""
        by_id = self.by_id
        while by_id[code_id].parent:
            code_id = by_id[code_id].parent
        return code_id

    def children(self, code_id: str) -> list[str]:
        return [c.id for c in self.codes if c.parent == code_id]

    def guid(self, code: Code) -> str:
        return code.guid or str(uuid.uuid5(_GUID_ROOT, code.id)).upper()


def _as_list(value, where: str) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split("|") if part.strip())
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    raise ThemesError(f"{where}: expected a list of texts, got {type(value).__name__}")


def _slug(name: str) -> str:
    return _ID.sub("_", name.strip().lower()).strip("_")


def _from_yaml(path: Path) -> Codebook:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ThemesError(f"{path}: not valid YAML ({str(error).splitlines()[0]})") from None
    return codebook_from_data(data, str(path))


def codebook_from_data(data, where: str = "codebook") -> Codebook:
    """A codebook from codebook.yaml's content as data (``{"codes": [...]}``, or a saved model's
    ``{"themes": [...]}``); ``where`` names it in errors."""
    if isinstance(data, dict) and isinstance(data.get("themes"), list) and "codes" not in data:
        return _from_codeframe(data["themes"], where)
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        raise ThemesError(f"{where}: expected a list of codes under 'codes' (format: {FORMAT})")
    codes: list[Code] = []

    def walk(entries: list, parent: str, trail: str) -> None:
        for i, entry in enumerate(entries, 1):
            at = f"{where}: {trail}code {i}"
            if not isinstance(entry, dict):
                raise ThemesError(f"{at}: expected a mapping with id, name, description")
            name = str(entry.get("name") or entry.get("id") or "").strip()
            code_id = str(entry.get("id") or _slug(name))
            codes.append(Code(code_id, name or code_id, str(entry.get("parent") or parent),
                              str(entry.get("description") or "").strip(),
                              _as_list(entry.get("examples"), at), _as_list(entry.get("exclusions"), at)))
            if entry.get("codes"):
                if not isinstance(entry["codes"], list):
                    raise ThemesError(f"{at}: 'codes' under a code must be a list")
                walk(entry["codes"], code_id, f"{trail}code {i} > ")

    walk(data["codes"], "", "")
    return Codebook(codes, where)


def _from_codeframe(themes: list, path: Path | str) -> Codebook:
    """A discovery run's ``themes.yaml`` (a saved model's codeframe) as a codebook: each theme a code
    named by its label and described by its keywords, its seeds its examples, its sub-themes codes
    under it; merged themes left out. So next quarter's export is coded with this quarter's themes."""
    codes = []
    for i, entry in enumerate(themes, 1):
        if not isinstance(entry, dict) or not entry.get("id"):
            raise ThemesError(f"{path}: theme {i} needs an id")
        if entry.get("merge_into"):
            continue
        keywords = ", ".join(str(k) for k in entry.get("keywords") or [])
        theme_id = str(entry["id"])
        codes.append(Code(theme_id, str(entry.get("label") or theme_id), "",
                          f"About: {keywords}" if keywords else "", _as_list(entry.get("seeds"), f"{path}: theme {i}")))
        for sub_id, label in (entry.get("subthemes") or {}).items():
            codes.append(Code(str(sub_id), str(label or sub_id), theme_id))
    return Codebook(codes, str(path))


def _from_csv(path: Path) -> Codebook:
    table = read_table(path).frame
    row_numbers = table.pop(ROW).tolist()
    table.columns = [str(c).strip().lower() for c in table.columns]
    if "code" not in table.columns:
        raise ThemesError(f"{path}: a codebook CSV needs a 'code' column (and optionally parent, name, "
                          "description, examples, exclusions)")
    codes = []
    for row_number, row in zip(row_numbers, table.to_dict("records")):
        where = f"{path}: row {row_number}"
        given = str(row.get("code") or "").strip()
        if not given:
            raise ThemesError(f"{where}, column code: empty")
        name = str(row.get("name") or given).strip()
        codes.append(Code(given, name, str(row.get("parent") or "").strip(),
                          str(row.get("description") or "").strip(),
                          _as_list(row.get("examples"), where), _as_list(row.get("exclusions"), where)))
    return Codebook(codes, str(path))


def _from_qdc(path: Path) -> Codebook:
    import xml.etree.ElementTree as ET

    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise ThemesError(f"{path}: not a valid REFI-QDA codebook ({error})") from None
    ns = {"q": QDC_NAMESPACE}
    codes_el = root.find("q:Codes", ns)
    if root.tag != f"{{{QDC_NAMESPACE}}}CodeBook" or codes_el is None:
        raise ThemesError(f"{path}: not a REFI-QDA codebook (expected <CodeBook xmlns=\"{QDC_NAMESPACE}\"><Codes>)")
    codes: list[Code] = []
    used: set[str] = set()

    def walk(element, parent: str) -> None:
        for code_el in element.findall("q:Code", ns):
            name = code_el.get("name", "").strip()
            code_id, n = _slug(name) or "code", 2
            base = code_id
            while code_id in used:  # two codes of one name under different parents
                code_id, n = f"{base}_{n}", n + 1
            used.add(code_id)
            description = (code_el.findtext("q:Description", default="", namespaces=ns) or "").strip()
            description, _, examples = description.partition(EXAMPLES)  # what save_qdc wrote
            codes.append(Code(code_id, name or code_id, parent, description.strip(), _as_list(examples, str(path)),
                              guid=code_el.get("guid", "")))
            walk(code_el, code_id)

    walk(codes_el, "")
    return Codebook(codes, str(path), origin=root.get("origin", ""))


def load_codebook(path: str | Path) -> Codebook:
    """A codebook from a ``.yaml``/``.yml``, ``.csv`` or REFI-QDA ``.qdc`` file."""
    path = Path(path)
    if not path.is_file():
        raise ThemesError(f"{path}: no such codebook file")
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _from_yaml(path)
    if suffix in (".csv", ".tsv", ".xlsx"):
        return _from_csv(path)
    if suffix == ".qdc":
        return _from_qdc(path)
    raise ThemesError(f"{path}: a codebook is .yaml, .csv or .qdc (REFI-QDA), not '{suffix}'")


def codebook_yaml(codebook: Codebook) -> str:
    entries = []
    for c in codebook.codes:
        entry: dict = {"id": c.id, "name": c.name}
        for key, value in (("parent", c.parent), ("description", c.description),
                           ("examples", list(c.examples)), ("exclusions", list(c.exclusions))):
            if value:
                entry[key] = value
        entries.append(entry)
    return yaml.safe_dump({"format": FORMAT, "codes": entries}, allow_unicode=True, sort_keys=False, width=100)


def qdc_element(codebook: Codebook):
    """The ``<CodeBook>`` element, its tags without a namespace: a standalone .qdc declares the
    codebook namespace on it (``qdc_text``), a project declares its own on ``<Project>``; no
    namespace is registered process-wide."""
    import xml.etree.ElementTree as ET

    root = ET.Element("CodeBook")
    codes_el = ET.SubElement(root, "Codes")

    def add(parent_el, parent_id: str) -> None:
        for code in codebook.codes:
            if code.parent != parent_id:
                continue
            el = ET.SubElement(parent_el, "Code", {"guid": codebook.guid(code), "name": code.name,
                                                   "isCodable": "true"})
            description = code.description
            if code.examples:  # REFI-QDA has no field for them: kept in the description, read back by _from_qdc
                description += EXAMPLES + " | ".join(code.examples)
            if description:
                ET.SubElement(el, "Description").text = description
            add(el, code.id)

    add(codes_el, "")
    return root


def qdc_text(codebook: Codebook) -> str:
    """The codebook as a REFI-QDA ``.qdc`` document."""
    import xml.etree.ElementTree as ET

    root = qdc_element(codebook)
    root.attrib = {"xmlns": QDC_NAMESPACE, "origin": "themes"}
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
