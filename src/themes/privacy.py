"""Masking of personal data in anything a person reads: reports, quotes, keywords, API answers.

Masked (in the texts, ids, segment values, rejected rows' text and reason, and error messages):
e-mail addresses, payment card numbers (Luhn-checked), IBANs, phone numbers
(international, +371, +7 and local forms), Latvian personal codes, Russian SNILS and INN.
Look-alikes that must stay (order numbers, prices, dates) are left alone: cards must pass
Luhn, phones need a phone-like shape, personal codes need their exact layout.
"""

from __future__ import annotations

import hashlib
import re

PLACEHOLDERS = ("[EMAIL]", "[PHONE]", "[CARD]", "[IBAN]", "[ID]")
PLACEHOLDER_RE = re.compile(r"\[(?:EMAIL|PHONE|CARD|IBAN|ID)\]")

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
_IBAN = re.compile(r"(?i)\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,3})?\b")
# four groups of four digits split by dots: a card as people type it; no price or version looks so
_DOTTED_CARD = re.compile(r"(?<![\d.])\d{4}(?:\.\d{4}){3}(?![\d.])")
# not part of a longer number or a decimal ("1,234.5"), but a comma or full stop may follow
_CARD = re.compile(r"(?<!\d)(?<!\d[.,])(?:\d[ -]?){12,18}\d(?!\d)(?![.,]\d)")
_LV_PERSONAL = re.compile(r"\b(?:[0-3]\d[01]\d\d{2}|32\d{4})-\d{5}\b")
_SNILS = re.compile(r"\b\d{3}-\d{3}-\d{3}[ -]\d{2}\b")
_RU_PASSPORT = re.compile(r"(?i)(паспорт\w*\s*(?:[:№]\s*)*)\d{2}\s?\d{2}\s?\d{6}\b")
_INN = re.compile(r"(?i)(инн\s*:?\s*)\d{10}(?:\d{2})?\b")
# +371 2xxxxxxx, +7 (9xx) xxx-xx-xx, 8 9xx xxx xx xx, 0044 20 ..., and local 8-digit LV mobiles
_PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,4}(?!\w)"
    r"|(?<![\w+])8[\s-]?\(?9\d{2}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}(?!\w)"
    r"|(?<![\w+.,/-])2\d{7}(?![\w.,/])"
)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _card(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "[CARD]" if 13 <= len(digits) <= 19 and _luhn_ok(digits) else match.group(0)


def _iban_ok(text: str) -> bool:
    """ISO 13616's check: the IBAN with its first four characters moved to the end, letters as
    10-35, is 1 modulo 97."""
    code = re.sub(r"\s", "", text).upper()
    digits = "".join(str(int(ch, 36)) for ch in code[4:] + code[:4])
    return int(digits) % 97 == 1


def _iban(match: re.Match) -> str:
    # written in capitals as banks print it: masked; in lower or mixed case it could be a word
    # with digits, so only when its check digits hold
    text = match.group(0)
    return "[IBAN]" if text.isupper() or _iban_ok(text) else text


def mask_pii(text: str) -> str:
    """``text`` with personal data replaced by placeholders such as [EMAIL]."""
    if not text:
        return text
    text = _EMAIL.sub("[EMAIL]", text)
    text = _IBAN.sub(_iban, text)
    text = _DOTTED_CARD.sub(_card, text)
    text = _CARD.sub(_card, text)
    text = _RU_PASSPORT.sub(r"\1[ID]", text)
    text = _INN.sub(r"\1[ID]", text)
    text = _LV_PERSONAL.sub("[ID]", text)
    text = _SNILS.sub("[ID]", text)
    text = _PHONE.sub("[PHONE]", text)
    return text


def mask_id(value: str) -> str:
    """An id with personal data in it (an e-mail, a phone number) masked, plus a short digest of
    the original, so that ids stay unique and the owner of the export can still find the row
    (by the digest of their own id: sha256, first 8 hex digits)."""
    masked = mask_pii(value)
    if masked == value:
        return value
    return f"{masked}#{hashlib.sha256(value.encode('utf-8')).hexdigest()[:8]}"


def mask_rejects(rejects):
    """rejected.csv's row text and reason (which can quote a cell) masked."""
    out = rejects.copy()
    for column in ("raw", "reason"):
        if column in out:
            out[column] = out[column].astype(str).map(mask_pii)
    return out
