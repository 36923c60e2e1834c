"""The layout's promises that import-linter's contracts do not state: no import circle anywhere."""

from __future__ import annotations

import grimp


def test_no_module_imports_itself_back_through_any_chain() -> None:
    graph = grimp.build_graph("commitments", "summits", "common", "config")
    circles = sorted(
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    )
    assert circles == []


def test_summits_imports_nothing_of_commitments_even_lazily() -> None:
    graph = grimp.build_graph("commitments", "summits", "common", "config")
    assert not graph.find_shortest_chains(importer="summits", imported="commitments")
