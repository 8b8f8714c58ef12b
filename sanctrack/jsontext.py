"""JSON text of values, the same as `json.dumps(value, ensure_ascii=False[, sort_keys=True])`, from
one C encoder made once: `dumps` with an argument builds a JSONEncoder and its C encoder at every
call (4.8 us against 1.1 us for a list of two strings). An import of 200,000 events encodes half a
million lists (store/encoding.py), and a list's digest folds every identifier (importers/base.py)."""

from __future__ import annotations

import json
from typing import Any, Callable


def _encoder(sort_keys: bool) -> Callable[[Any], str]:
    from json import encoder

    if encoder.c_make_encoder is None or encoder.c_encode_basestring is None:  # no C accelerator
        return json.JSONEncoder(ensure_ascii=False, sort_keys=sort_keys).encode
    # (markers, default, encoder, indent, key separator, item separator, sort_keys, skipkeys, allow_nan)
    make = encoder.c_make_encoder(None, json.JSONEncoder().default, encoder.c_encode_basestring,
                                  None, ": ", ", ", sort_keys, False, True)  # fmt: skip
    return lambda value: "".join(make(value, 0))


json_text = _encoder(sort_keys=False)
sorted_json_text = _encoder(sort_keys=True)
