"""Same input and settings → identical themes, ids, labels and assignments, in two separate processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = r"""
import json, sys
sys.path.insert(0, {here!r})
from themes_corpus import corpus
import empathic
mode = sys.argv[2]
with empathic.Workspace.open(sys.argv[1], settings={{"themes": {{"mode": mode, "fast_discovery_sample": 200}}}}) as ws:
    ws.ingest(corpus(n_single=120, n_double=30)[["id", "text"]], text="text", id="id")
    ws.analyze(stages=["themes"])
    out = {{
        "themes": ws.sql("SELECT theme_id, parent_id, level, label, n_comments, keywords, quotes FROM themes "
                         "ORDER BY theme_id").to_dict("records"),
        "feedback_themes": ws.sql("SELECT * FROM feedback_themes ORDER BY feedback_id, theme_id").to_dict("records"),
        "sentence_themes": ws.sql("SELECT feedback_id, sentence_idx, theme_id, subtheme_id, round(score, 6) AS s "
                                  "FROM sentence_themes ORDER BY ALL").to_dict("records"),
    }}
print(json.dumps(out, default=str))
"""


def _run(path: Path, mode: str) -> dict:
    code = SCRIPT.format(here=str(Path(__file__).parent))
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path), mode], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["accurate", "fast"])
def test_two_processes_give_identical_results(tmp_path, mode):
    first = _run(tmp_path / "a.empathic", mode)
    second = _run(tmp_path / "b.empathic", mode)
    assert len(first["themes"]) > 3
    assert first["themes"] == second["themes"]
    assert first["feedback_themes"] == second["feedback_themes"]
    assert first["sentence_themes"] == second["sentence_themes"]
