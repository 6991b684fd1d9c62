"""Personal data is masked; look-alikes that carry meaning stay."""

import pytest

from themes.privacy import mask_pii


@pytest.mark.parametrize("text, expected", [
    ("mail me: anna.ozola@example.lv!", "mail me: [EMAIL]!"),
    ("call +371 29 123 456 today", "call [PHONE] today"),
    ("мой номер +7 (912) 345-67-89", "мой номер [PHONE]"),
    ("звоните 8 912 345 67 89", "звоните [PHONE]"),
    ("numurs 29123456", "numurs [PHONE]"),
    ("card 4111 1111 1111 1111 charged twice", "card [CARD] charged twice"),
    ("card 5500-0000-0000-0004", "card [CARD]"),
    ("konts LV80BANK0000435195001", "konts [IBAN]"),
    ("personas kods 120387-12345", "personas kods [ID]"),
    ("СНИЛС 112-233-445 95", "СНИЛС [ID]"),
    ("ИНН 7707083893", "ИНН [ID]"),
    ("паспорт 45 06 123456", "паспорт [ID]"),
    ("Паспорт: 4506 123456 выдан", "Паспорт: [ID] выдан"),
    ("call +44 20 7946 0958 or 0044 20 7946 0958", "call [PHONE] or [PHONE]"),
    ("zvaniet +371 67 123 456", "zvaniet [PHONE]"),
    ("тел. 8 (912) 345-67-89", "тел. [PHONE]"),
    ("write to j.o'neil+feedback@mail.co.uk now", "write to [EMAIL] now"),
    ("visa 4012888888881881, exp 12/27", "visa [CARD], exp 12/27"),
    ("card 4111.1111.1111.1111 declined", "card [CARD] declined"),
    ("konts lv80bank0000435195001 un", "konts [IBAN] un"),
    ("iban Lv80 Bank 0000 4351 9500 1.", "iban [IBAN]."),
])
def test_personal_data_is_masked(text, expected):
    assert mask_pii(text) == expected


@pytest.mark.parametrize("text", [
    "order 1234567890123 is late",  # 13 digits that fail Luhn: an order number
    "it cost 1299.99 EUR",
    "delivered on 01.03.2024 at 14:30",
    "flight BT 301 on 2024-03-01",
    "4111 1111 1111 1112 is not a valid card",
    "rated 10/10, waited 45 minutes",
    "заказ № 123456789 задержан",
    "cena 1 299,00 € par 3 gab.",
    "IP 192.168.10.15 blocked",
    "version 2.13.0 crashes",
    "tracking LV123456789LV",
    "code lv80bank0000435195002",  # lower case and the check digits fail: not an IBAN
    "version 4111.1111.1111.1112 of the app",  # dotted, but not a card number (Luhn)
])
def test_look_alikes_stay(text):
    assert mask_pii(text) == text


@pytest.mark.parametrize("size, min_shared", [(65536, 64), (7, 3), (1, 1), (50, 200)])
def test_a_masked_column_copies_only_what_masking_changes(size, min_shared):
    """Masking a whole export's texts: rows it leaves alone keep the unmasked column's memory, so
    the two columns are not held side by side (at a million comments that copy was the run's peak)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from themes.engine.blocks import map_strings

    rng = np.random.default_rng(0)
    texts = [f"comment {i}: the courier was late again" + (f", mail me at c{i}@example.com" if hit else "")
             for i, hit in enumerate(np.r_[rng.random(2000) < 0.01, np.arange(1000) % 2 == 0])]  # sparse, then dense
    column = pd.concat([pd.Series(texts[:1000], dtype="str"), pd.Series(texts[1000:], dtype="str")])
    column.index = pd.RangeIndex(10, 10 + len(texts))  # several chunks, and an index to keep
    masked = map_strings(column, mask_pii, size, min_shared)
    assert masked.tolist() == [mask_pii(t) for t in texts] and masked.dtype == "str"
    assert masked.index.equals(column.index)
    own = {chunk.buffers()[2].address for chunk in pa.chunked_array(column).chunks}
    chunks = pa.chunked_array(masked).chunks
    copied = sum(len(c) for c in chunks if c.buffers()[2].address not in own)
    changed = sum(mask_pii(t) != t for t in texts)
    assert 0 < changed <= copied <= changed * (min_shared + 1)  # gaps under min_shared are copied
    assert len(chunks) <= 2 * len(texts) / min_shared + 2 * len(texts) / size + 4
