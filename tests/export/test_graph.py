"""GraphML and GEXF exports: the actor network read back with networkx."""

from __future__ import annotations

import networkx as nx
import pytest

from newstrace.export import ExportFilter, export


def _read(fmt, path):
    return nx.read_graphml(path, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(path)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_corpus_network_round_trip(corpus_db, open_store, tmp_path, fmt):
    path = tmp_path / f"net.{fmt}"
    stats = export(open_store(corpus_db), fmt, path)
    g = _read(fmt, path)
    assert g.number_of_nodes() == stats.counts["nodes"] > 0
    assert g.number_of_edges() == stats.counts["edges"] > 0
    label = "label"
    names = {d[label] for _, d in g.nodes(data=True)}
    assert "Taliban" in names
    for _, d in g.nodes(data=True):
        assert int(d["articles"]) >= 1 and d["type"]
    for _, _, d in g.edges(data=True):
        assert int(d["count"]) >= 1 and d["first_date"] <= d["last_date"]
        assert d["label"] and d["modalities"]
    assert any(d["verdicts"] for _, _, d in g.edges(data=True))


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_generated_network_counts_and_unicode(gen_db, open_store, tmp_path, fmt):
    path = tmp_path / f"gen.{fmt}"
    export(open_store(gen_db), fmt, path)
    g = _read(fmt, path)
    labels = {d["label"] for _, d in g.nodes(data=True)}
    assert {"Ødegård Lindqvist", "Ахмед Бекмуратов", "Nguyễn Thị Hằng"} <= labels
    # 30 articles, 5 people in a ring: 5 edges of 6 meetings each, each edge in 2 stories (one + copies)
    assert g.number_of_edges() == 5
    counts = sorted(int(d["count"]) for _, _, d in g.edges(data=True))
    assert counts == [6] * 5
    assert all(d["verdicts"].startswith("single-source:") for _, _, d in g.edges(data=True))


def test_entity_filter_and_empty_store(corpus_db, empty_db, open_store, tmp_path):
    export(open_store(corpus_db), "graphml", tmp_path / "t.graphml", ExportFilter.make(entity="Taliban"))
    g = nx.read_graphml(tmp_path / "t.graphml", force_multigraph=True)
    taliban = [n for n, d in g.nodes(data=True) if d["label"] == "Taliban"]
    assert taliban and all(taliban[0] in (u, v) for u, v, _ in g.edges(data=True))
    export(open_store(empty_db), "gexf", tmp_path / "e.gexf")
    assert nx.read_gexf(tmp_path / "e.gexf").number_of_nodes() == 0


def test_linked_actors_are_one_node_named_by_their_canonical_name(corpus_db, open_store, tmp_path):
    store = open_store(corpus_db)
    row = store.conn.execute("SELECT canonical, count(DISTINCT name) AS forms FROM entities WHERE canonical IS NOT NULL"
                             " GROUP BY canonical ORDER BY forms DESC LIMIT 1").fetchone()
    if row is None or row["forms"] < 2:
        pytest.skip("the link stage joined no entity written in two ways")
    name = store.conn.execute("SELECT name FROM canonical_entities WHERE id=?", (row["canonical"],)).fetchone()[0]
    export(store, "graphml", tmp_path / "c.graphml")
    g = nx.read_graphml(tmp_path / "c.graphml", force_multigraph=True)
    node = g.nodes[row["canonical"]]
    assert node["label"] == name and node["aliases"]
    assert name not in node["aliases"].split("; ")
