"""The stage contract, checked over every registered stage (scikit-learn's ``test_common``).

Declarations: each stage says what it reads and writes, and the stages it says it reads are exactly the writers of
the tables it says it reads, all listed before it. Behaviour (on a tiny real workspace): an empty workspace gives
``skipped``; a stage writes only the tables it declares, in one transaction; a re-run gives the same tables.
"""

from __future__ import annotations

import pytest

from empathic import pipeline
from empathic.errors import StageError
from empathic.stage import EXTERNAL_INPUTS, Stage

#: Cache tables: reading one never changes a result (a vector is a function of its text), so it makes no stage
#: depend on the cache's writer.
CACHES = {"embedding_cache"}

DECLARED = pipeline.declarations()
NAMES = list(DECLARED)


def _writers(table: str) -> set[str]:
    return {name for name, stage in DECLARED.items() if table in stage.writes}


def test_every_registered_module_declares_itself() -> None:
    assert len(NAMES) == len(pipeline.STAGE_MODULES)
    for name, module in pipeline.available_stages().items():
        assert module.NAME == name == module.STAGE.name
        assert module.STAGE.requires == module.REQUIRES


@pytest.mark.parametrize("name", NAMES)
def test_reads_stages_are_the_writers_of_the_tables_it_reads(name: str) -> None:
    stage = DECLARED[name]
    writers = set().union(*(_writers(t) for t in stage.reads if t not in CACHES)) - {name}
    assert set(stage.reads_stages) == writers
    earlier = NAMES[: NAMES.index(name)]
    assert all(up in earlier for up in stage.reads_stages), "a stage reads only stages listed before it"


@pytest.mark.parametrize("name", NAMES)
def test_every_table_read_has_a_writer(name: str) -> None:
    orphans = [t for t in DECLARED[name].reads if not _writers(t) and t not in EXTERNAL_INPUTS]
    assert orphans == []


def test_a_requirement_must_be_a_declared_read() -> None:
    with pytest.raises(ValueError, match="requires"):
        Stage("x", reads_stages=(), requires=("sentences",))


def test_a_registered_stage_that_cannot_be_imported_is_an_error(monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "STAGE_MODULES", (*pipeline.STAGE_MODULES, "empathic.nowhere.stage"))
    with pytest.raises(StageError, match=r"empathic\.nowhere\.stage.*cannot be imported"):
        pipeline.available_stages()


def test_a_stage_module_without_a_declaration_is_an_error(monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "STAGE_MODULES", ("empathic.progress",))
    with pytest.raises(StageError, match="no STAGE declaration"):
        pipeline.available_stages()
