#!/usr/bin/env python3
"""Merges the symbol graphs of DenseRecords' Swift modules into one graph for the
DocC catalog of the umbrella module.

DocC builds one archive per module, and the umbrella module `DenseRecords` only
re-exports the layers (`@_exported import`), so its own graph is empty. This
renames every layer's graph (extension graphs `A@B.symbols.json` included) to the
module `DenseRecords` and writes their union, so one catalog documents the whole
public API, with every symbol link resolving as it did before the split.

usage: merge_symbol_graphs.py SYMBOLGRAPH_DIR OUTPUT_DIR
"""
import json
import pathlib
import sys

MODULES = [
    "DenseRecordsCore", "DenseRecordsArena", "DenseRecordsAudit", "DenseRecordsSnapshot",
    "DenseRecordsArrow", "DenseRecordsPipeline", "DenseRecordsTestKit", "DenseRecordsQuery", "DenseRecordsColumnar",
    "DenseRecordsParquet",
]


def main() -> int:
    source, output = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    merged = None
    seen = set()
    for path in sorted(source.glob("*.symbols.json")):
        owner = path.name.split(".symbols.json")[0].split("@")[0]
        if owner not in MODULES:
            continue
        graph = json.loads(path.read_text())
        if merged is None:
            merged = {key: value for key, value in graph.items() if key not in ("symbols", "relationships")}
            merged["module"] = dict(graph["module"], name="DenseRecords")
            merged["symbols"], merged["relationships"] = [], []
        for symbol in graph["symbols"]:
            identifier = symbol["identifier"]["precise"]
            if identifier not in seen:
                seen.add(identifier)
                merged["symbols"].append(symbol)
        merged["relationships"].extend(graph.get("relationships", []))
    if merged is None:
        print(f"no symbol graphs of {MODULES} in {source}", file=sys.stderr)
        return 1
    output.mkdir(parents=True, exist_ok=True)
    (output / "DenseRecords.symbols.json").write_text(json.dumps(merged))
    print(f"merged {len(merged['symbols'])} symbols from {len(MODULES)} modules into {output}/DenseRecords.symbols.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
