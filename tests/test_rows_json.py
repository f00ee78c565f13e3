"""The papers table's JSON columns are written exactly as `json.dumps` writes them.

`rows.json_list`/`json_dict` reuse one encoder instead of `json.dumps`
building one per call (issue 13 req 1); the text stored must not change, or a
re-import would see every paper's authors as changed.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_digest.core.store.rows import json_dict, json_list

TEXT = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from('"\\\x00\u2028é张'))


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, max_size=5), st.dictionaries(TEXT, TEXT, max_size=4))
def test_json_columns_are_json_dumps(items, extras):
    assert json_list(items) == json.dumps(items, ensure_ascii=False)
    assert json_list(iter(items)) == json.dumps(items, ensure_ascii=False)
    assert json_dict(extras) == json.dumps(extras, ensure_ascii=False, sort_keys=True)
    assert json.loads(json_list(items)) == items
