"""The coded export as a REFI-QDA project (``project.qdpx``): a zip of ``project.qde`` (QDA-XML
1.0: the codebook, one text source per comment, each coded clause a selection with its character
positions and its code) and ``Sources/<guid>.txt`` holding each comment's text, as NVivo, ATLAS.ti,
MAXQDA and QualCoder exchange projects. GUIDs are derived from the ids (uuid5), and no time stamp
is written, so the same run gives the same file."""

from __future__ import annotations

import io
import json
import uuid
import xml.etree.ElementTree as ET
import zipfile

import pandas as pd

from .. import __version__
from .codebook import Codebook, qdc_element

NAMESPACE = "urn:QDA-XML:project:1.0"
_ROOT = uuid.UUID("0c9b8f0e-54a3-5b7b-8a30-7468656d6573")


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(_ROOT, "\x1f".join(parts))).upper()


def project_qdpx(codebook: Codebook, texts: pd.Series, coded: pd.DataFrame, name: str = "themes code") -> bytes:
    """``texts``: each comment's text by id (as written to comments.csv); ``coded``: coded.csv's
    table (id, primary_code, evidence)."""
    user = _guid("user", "themes")
    # tags without a namespace, the project's declared on <Project> (none registered process-wide)
    project = ET.Element("Project", {"xmlns": NAMESPACE, "name": name, "origin": f"themes {__version__}",
                                     "creatingUserGUID": user})
    ET.SubElement(ET.SubElement(project, "Users"), "User", {"guid": user, "name": "themes"})
    project.append(qdc_element(codebook))
    guid_of = {c.id: codebook.guid(c) for c in codebook.codes}
    sources = ET.SubElement(project, "Sources")
    files: dict[str, str] = {}
    for row in coded.itertuples(index=False):
        comment_id = str(row.id)
        text = str(texts.get(comment_id, ""))
        source_guid = _guid("source", comment_id)
        files[f"Sources/{source_guid}.txt"] = text
        source = ET.SubElement(sources, "TextSource", {"guid": source_guid, "name": comment_id,
                                                          "plainTextPath": f"internal://{source_guid}.txt",
                                                          "creatingUser": user})
        spans = [e for e in json.loads(row.evidence) if e["start"] >= 0 and e["code"] in guid_of]
        if row.primary_code in guid_of and all(e["code"] != row.primary_code for e in spans):
            spans.insert(0, {"code": row.primary_code, "start": 0, "end": len(text)})  # the comment as a whole
        for n, span in enumerate(spans):
            selection = ET.SubElement(source, "PlainTextSelection", {
                "guid": _guid("selection", comment_id, str(n)), "name": text[span["start"]:span["end"]][:60],
                "startPosition": str(span["start"]), "endPosition": str(span["end"]), "creatingUser": user})
            coding = ET.SubElement(selection, "Coding", {"guid": _guid("coding", comment_id, str(n)),
                                                           "creatingUser": user})
            ET.SubElement(coding, "CodeRef", {"targetGUID": guid_of[span["code"]]})
    if not len(sources):
        project.remove(sources)  # the schema wants at least one source in <Sources>
    ET.indent(project)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("project.qde", date_time=(1980, 1, 1, 0, 0, 0)),
                         '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(project, encoding="unicode"))
        for path, text in files.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()
