"""The event-driven YAML reader: its data, and `locate` agreeing with the node tree's marks for every path."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.benchmarks import synthetic
from timeline import readers
from timeline.problems import InvalidInput
from timeline.readers import DataPath, read_yaml
from timeline.yaml_reader import _Loader


def reference(text: str, path: DataPath, key: bool) -> tuple[int, int] | None:
    """Where `path` stands, walking the node tree `yaml.compose` builds: the marks the reader must agree with."""
    node = yaml.compose(text, Loader=_Loader)
    key_node = None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == step:
                    key_node, node = k, v
                    break
            else:
                return None
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(step, int) and -len(node.value) <= step < len(node.value)
        ):
            key_node, node = None, node.value[step]
        else:
            return None
    target = key_node if key and key_node is not None else node
    return None if target is None else (target.start_mark.line + 1, target.start_mark.column + 1)


def node_paths(node: yaml.Node, path: DataPath = (), depth: int = 0) -> Iterator[DataPath]:
    """Every path through the node tree (through aliases too), and a few that lead nowhere."""
    yield path
    if depth > 8:
        return
    if isinstance(node, yaml.MappingNode):
        yield (*path, "no-such-key")
        for k, v in node.value:
            yield from node_paths(v, (*path, k.value), depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        yield (*path, len(node.value))
        yield (*path, "x")
        if node.value:
            yield (*path, -1)
        for index, child in enumerate(node.value):
            yield from node_paths(child, (*path, index), depth + 1)
    else:
        yield (*path, 0)


def assert_locates_like_node_tree(text: str) -> int:
    """`locate` of every value and key agrees with the node marks; returns how many paths were compared."""
    document = read_yaml(text, "f.yaml")
    root = yaml.compose(text, Loader=_Loader)
    assert root is not None
    compared = 0
    for path in node_paths(root):
        for key in (False, True):
            assert reference(text, path, key) == document.locator(path, key), (path, key)
            compared += 1
    return compared


ANCHORS_AND_MERGES = """\
defaults: &defaults
  tz: Europe/Moscow
  tags: &tags [war, diplomacy]
  sources: &sources
    - url: https://example.org/a
      title: A
events:
  - &first
    id: a
    title: "First: quoted"
    date: 2024-08
    <<: *defaults
  - <<: [*first, {location: Kursk}]
    id: b
    date: '2024-09'
    tags: *tags
  - {id: c, title: Flow, date: 2024, sources: *sources, tags: [x, 'y', "z"]}
  - id: d
    title: >-
      Folded
      text
    description: |
      Literal
        block
    date: 2025
    ? complex-key
    : value
    empty:
    nothing: ~
"""


class TestLocate:
    """`locate` answers for any path as the node tree did: keys, values, aliases, merges, flow and block style."""

    def test_anchors_merges_flow_and_block_scalars(self) -> None:
        assert assert_locates_like_node_tree(ANCHORS_AND_MERGES) > 150

    def test_synthetic_events(self) -> None:
        """The benchmark's own events, in the block style PyYAML writes."""
        assert assert_locates_like_node_tree(synthetic.as_yaml(synthetic.events(40))) > 1000

    def test_deep_path(self) -> None:
        text = synthetic.as_yaml(synthetic.events(6))
        document = read_yaml(text, "e.yaml")
        url_line = text.splitlines().index("  - url: https://example.org/3") + 1
        assert (url_line, 10) == document.locate(("events", 3, "sources", 0, "url"))
        assert (url_line, 5) == document.locate(("events", 3, "sources", 0, "url"), key=True)
        assert (url_line, 5) == document.locate(("events", 3, "sources", 0))
        assert (url_line, 5) == document.locate(("events", 3, "sources", 0, "missing"))  # the nearest that exists

    def test_through_an_alias(self) -> None:
        """A path through an alias leads to the anchored value, as the node tree shared the node."""
        document = read_yaml(ANCHORS_AND_MERGES, "f.yaml")
        assert (5, 7) == document.locate(("events", 2, "sources", 0))  # the anchored list's first item
        assert (5, 12) == document.locate(("events", 2, "sources", 0, "url"))
        assert (3, 9) == document.locate(("events", 1, "tags"))
        assert (3, 21) == document.locate(("events", 1, "tags", 1))

    def test_merged_keys_have_no_place_of_their_own(self) -> None:
        """A key that came in by `<<` is located at its mapping; the mapping's own keys where they stand."""
        document = read_yaml(ANCHORS_AND_MERGES, "f.yaml")
        assert "Europe/Moscow" == document.data["events"][0]["tz"]
        assert (8, 5) == document.locate(("events", 0, "tz"))
        assert (9, 5) == document.locate(("events", 0, "id"), key=True)
        assert (12, 5) == document.locate(("events", 0, "<<"), key=True)
        assert (15, 5) == document.locate(("events", 1, "date"), key=True)

    def test_flow_style(self) -> None:
        document = read_yaml(ANCHORS_AND_MERGES, "f.yaml")
        line = 17
        assert (line, 5) == document.locate(("events", 2))
        assert (line, 20) == document.locate(("events", 2, "title"))
        assert (line, 67) == document.locate(("events", 2, "tags", 1))
        assert (line, 72) == document.locate(("events", 2, "tags", 2))

    def test_negative_index_counts_from_the_end(self) -> None:
        document = read_yaml("- a\n- b\n- c\n", "f.yaml")
        assert (3, 3) == document.locate((-1,))
        assert (1, 1) == document.locate((5,))  # no such item: the list itself

    def test_empty_document_has_no_places(self) -> None:
        for text in ("", "# only a comment\n"):
            document = read_yaml(text, "f.yaml")
            assert document.data is None
            assert document.locate(("events", 0)) is None

    def test_empty_root(self) -> None:
        document = read_yaml("---\n", "f.yaml")
        assert document.data is None
        assert (2, 1) == document.locate(("events", 0))  # the empty scalar stands after the marker

    def test_scalar_document(self) -> None:
        document = read_yaml("--- just text\n", "f.yaml")
        assert "just text" == document.data
        assert (1, 5) == document.locate(())
        assert (1, 5) == document.locate(("events",))


def texts() -> st.SearchStrategy[str]:
    return st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8)


def values() -> st.SearchStrategy[Any]:
    return st.recursive(
        st.none() | texts(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts(), inner, max_size=4),
        max_leaves=25,
    )


@given(data=st.dictionaries(texts(), values(), max_size=5), flow=st.sampled_from([None, True, False]))
def test_round_trip_and_locations(data: dict[str, Any], flow: bool | None) -> None:
    """Whatever PyYAML writes, in any style, reads back the same, and every path is located as the node tree does."""
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, default_flow_style=flow, width=30)
    assert data == read_yaml(text, "f.yaml").data
    assert_locates_like_node_tree(text)


def refusal(text: str) -> str:
    with pytest.raises(InvalidInput) as info:
        read_yaml(text, "f.yaml")
    [problem] = info.value.problems
    return str(problem)


class TestReading:
    """What the reader builds and refuses; the hostile-file tests cover the rest."""

    def test_no_implicit_typing(self) -> None:
        data = read_yaml("a: 1953-07-27\nb: 2019\nc: yes\nd: 1.5\ne: ~\nf:\ng: null\nh: '~'\ni: !!str\n", "f").data
        assert {"a": "1953-07-27", "b": "2019", "c": "yes", "d": "1.5", "e": None, "f": None} == {
            k: data[k] for k in "abcdef"
        }
        assert (None, "~", None) == (data["g"], data["h"], data["i"])

    def test_aliases_share_values(self) -> None:
        data = read_yaml("a: &a [1, {b: 2}]\nc: *a\nd: [*a]\n", "f").data
        assert data["a"] is data["c"] is data["d"][0]

    def test_merge_keys(self) -> None:
        """Explicit keys win, earlier merged mappings win over later ones, and a merge must merge mappings."""
        text = "<<: [{a: 1, z: 0}, {a: 2, b: 3}]\n<<: {c: 4, a: 5}\nb: 0\n"
        assert {"a": "1", "z": "0", "b": "0", "c": "4"} == read_yaml(text, "f").data
        assert {"<<": "quoted"} == read_yaml("'<<': quoted\n", "f").data
        assert "f.yaml:1:5: error: '<<' must merge a mapping" == refusal("<<: [1]\n")
        assert "f.yaml:1:4: error: '<<' must merge a mapping" == refusal("x: &x [a]\n<<: *x\n")  # at the anchor

    def test_keys(self) -> None:
        assert "f.yaml:1:1: error: a key must be a plain name, not a list or mapping" == refusal("[a]: 1\n")
        assert "f.yaml:1:4: error: a key must be a plain name, not a list or mapping" == refusal("x: &a [1]\n*a : 2\n")
        assert "f.yaml:2:3: error: duplicate key 'b'; each key may appear once" == refusal("a: {b: 1,\n  b: 2}\n")
        assert {"x": None, "~": None} == read_yaml("x: &a ~\n? *a\n: *a\n", "f").data  # a key is its text

    def test_alias_inside_its_own_anchor(self) -> None:
        """Refused at the alias, saying why, rather than followed."""
        assert (
            "f.yaml:1:17: error: nests deeper than 64 levels: the alias *loop stands inside the value it names, "
            "so it would repeat without end"
        ) == refusal("events: &loop [[*loop]]\n")
        assert refusal("a: &a {<<: *a}\n").startswith("f.yaml:1:12: error: nests deeper than 64 levels: the alias *a")

    def test_alias_expansion_counts_what_each_alias_stands_for(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(readers, "ALIAS_EXPANSION_LIMIT", 11)
        text = "a: &a [1, 2, 3]\nb: [*a, *a]\n"  # each *a stands for the list and its three items
        assert [["1", "2", "3"]] * 2 == read_yaml(text, "f").data["b"]
        assert refusal(text + "c: [*a, x]\n").startswith(
            "f.yaml:1:4: error: YAML aliases expand to more than 11 values"  # at the anchor, as before
        )

    def test_depth(self) -> None:
        """64 levels below the root are fine; a value one deeper is refused where it stands, an alias is not."""
        data = read_yaml("[" * 64 + "x" + "]" * 64, "f").data
        for _ in range(63):
            [data] = data
        assert ["x"] == data
        assert "f.yaml:1:66: error: nests deeper than 64 levels" == refusal("[" * 65 + "x" + "]" * 65)
        assert "f.yaml:1:66: error: nests deeper than 64 levels" == refusal("[" * 66 + "]" * 66)
        read_yaml("a: &a x\nb: " + "[" * 64 + "*a" + "]" * 64, "f")

    def test_composer_problems_come_first(self) -> None:
        """An undefined alias or a repeated anchor anywhere is reported before what the builder refuses."""
        assert (
            "f.yaml:1:14: error: is not valid YAML: the alias *u names no anchor &u defined before it in this document"
            == refusal("x: [!!foo 1, *u]\n")
        )
        assert (
            "f.yaml:2:4: error: is not valid YAML: the anchor &a is defined twice (first at line 1); "
            "give each anchor its own name" == refusal("x: !!foo &a 1\ny: &a 2\n")
        )
        assert (
            "f.yaml:3:4: error: is not valid YAML: the anchor &a is defined twice (first at line 2); "
            "give each anchor its own name" == refusal("x: !!foo 1\ny: &a 1\nz: &a 2\n")
        )

    def test_syntax_errors_anywhere_come_first(self) -> None:
        assert "f.yaml:4:1: error: is not valid YAML: did not find expected node content" == refusal(
            "x: !!foo 1\n---\ny: [\n"
        )

    def test_second_document(self) -> None:
        """Refused at the second document's root, before what the builder refuses in the first."""
        message = "error: holds more than one YAML document ('---'); put one timeline per file"
        assert f"f.yaml:3:1: {message}" == refusal("a: 1\n---\nb: 2\n")
        assert f"f.yaml:3:1: {message}" == refusal("x: !!foo 1\n---\ny: 1\n")
        assert f"f.yaml:6:3: {message}" == refusal("a: 1\n...\n---\n# c\n\n  - x\n")
        assert f"f.yaml:2:5: {message}" == refusal("x: &a 1\n--- &a 2\n")  # each document has its own anchors
        assert (
            "f.yaml:2:5: error: is not valid YAML: the alias *a names no anchor &a defined before it in this document"
            == refusal("x: &a 1\n--- *a\n")
        )


def test_memory_is_a_small_multiple_of_the_data() -> None:
    """Reading keeps the data and packed positions, not a node tree: the old reader peaked at over 20x the text."""
    text = synthetic.as_yaml(synthetic.events(2000))
    tracemalloc.start()
    try:
        document = read_yaml(text, "e.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert 2000 == len(document.data["events"])
    assert peak < 8 * len(text.encode("utf-8"))
