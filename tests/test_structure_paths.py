"""The quick path for usual events must build exactly what the checking path builds, and nothing it refuses."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.dates import DateError, parse_date
from timeline.readers import RawDocument
from timeline.structure import EVENT_FIELDS, _event, _Shared, _Structurer, _usual_event

# Values that are usual, nearly usual, or wrong in the ways authors get them wrong.
_TEXTS = st.one_of(
    st.sampled_from(
        ["Kursk", "Putin visits Pyongyang", " padded", "trailing ", "", "   ", "\t", "병력 파병", "a\u00a0"]
    ),
    st.text(max_size=12),
)
_VALUES = st.one_of(_TEXTS, st.none(), st.integers(-5, 3000), st.booleans(), st.floats(allow_nan=True), st.just([]))
_DATES = st.one_of(
    st.sampled_from(
        [
            "2024",
            "2024-06",
            "2024-06-19",
            "2024-02-30",
            "2023-02-29",
            "0000",
            "2024-13",
            "2024-00",
            "2024-21",
            "2024-6",
            "late 1970s",
            "1950/2003-04",
            "2024-06/..",
            "2020-08-10T02:30:00",
            "２０２４",
            " 2024",
            "2024 ",
            "c. 2019",
            "",
        ]
    ),
    st.from_regex(r"\A\d{4}(-\d{2}(-\d{2})?)?\Z"),
    st.integers(1, 3000),
)
_SOURCES = st.one_of(
    st.none(),
    st.just("https://example.org/a"),
    st.lists(
        st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "url": st.sampled_from(["https://example.org/a", "not a url", " https://x.org", None]),
                    "title": _VALUES,
                    "publisher": _VALUES,
                    "published": st.sampled_from(["2024", "nope"]),
                    "tittle": st.just("x"),
                },
            ),
            _VALUES,
        ),
        max_size=3,
    ),
)
_GOOD_TEXTS = st.sampled_from(["Kursk", "Putin visits Pyongyang", "병력 파병", "Wonsan"])
_GOOD_SOURCE = st.fixed_dictionaries(
    {},
    optional={
        "url": st.sampled_from(["https://example.org/a", "https://example.org/b"]),
        "title": _GOOD_TEXTS,
        "publisher": _GOOD_TEXTS,
    },
)
_USUAL_EVENTS = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["kursk", "a.b_c-1", "E9"]),
        "title": _GOOD_TEXTS,
        "date": st.one_of(st.sampled_from(["2024", "2024-06", "2024-06-19", "late 1970s", "1950/2003-04"]), _DATES),
    },
    optional={
        "description": _GOOD_TEXTS,
        "location": _GOOD_TEXTS,
        "tags": st.lists(st.sampled_from(["war", "kursk", "diplomacy"]), max_size=4),
        "sources": st.lists(_GOOD_SOURCE, max_size=3),
    },
)
_WRONG = st.sampled_from(["-bad", "has space", "a/b", "not a url", "x" * 61, "é"])
_WRONG_SOURCES = st.lists(
    st.builds(
        lambda source, url: {**source, "url": url}, _GOOD_SOURCE, st.sampled_from(["not a url", "x:", "https://a b"])
    ),
    min_size=1,
    max_size=2,
)
#: Usual events, some with one or two fields made unusual or wrong.
_EVENTS = st.builds(
    lambda base, changes: {**base, **changes},
    _USUAL_EVENTS,
    st.one_of(
        st.just({}),
        st.dictionaries(
            st.sampled_from([*EVENT_FIELDS, "titel"]),
            st.one_of(_VALUES, _DATES, _SOURCES, st.lists(_VALUES, max_size=3), _WRONG, _WRONG_SOURCES),
            max_size=2,
        ),
    ),
)


def _checked(raw: Any) -> Any:
    structurer = _Structurer(RawDocument("events.json", {"events": [raw]}, lambda path, key: None))
    event = _event(structurer, raw, ("events", 0))
    return event, structurer.problems


@settings(max_examples=600)
@given(_EVENTS)
def test_usual_path_agrees_with_checking_path(raw: dict[str, Any]) -> None:
    quick = _usual_event(raw, _Shared())
    checked, problems = _checked(raw)
    if quick is not None:
        assert problems == []
        assert quick == checked
    if checked is not None and not problems and _is_usual_shape(raw):
        assert quick == checked  # and takes every usual event, so large files stay fast


def _is_usual_shape(raw: dict[str, Any]) -> bool:
    """What the quick path is for: the usual fields, as text without stray spaces, and mappings as sources."""

    def clean(value: Any) -> bool:
        return value is None or (isinstance(value, str) and value != "" and value == value.strip())

    tags, sources = raw.get("tags"), raw.get("sources")
    return (
        set(raw) <= {"id", "title", "date", "description", "location", "tags", "sources"}
        and isinstance(raw.get("date"), str)
        and all(clean(raw.get(key)) for key in ("title", "description", "location"))
        and (tags is None or (isinstance(tags, list) and all(clean(tag) for tag in tags)))
        and (
            sources is None
            or (
                isinstance(sources, list)
                and all(
                    isinstance(item, dict)
                    and set(item) <= {"url", "title", "publisher"}
                    and all(clean(value) for value in item.values())
                    for item in sources
                )
            )
        )
    )


_TIMES = st.builds(
    "{:04d}-{:02d}-{:02d}{}{:02d}:{:02d}{}{}".format,
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
    st.sampled_from(["T", " ", "t"]),
    st.integers(0, 25),
    st.integers(0, 61),
    st.sampled_from(["", ":00", ":59", ":60", ":5", ":30.25", ",5"]),
    st.sampled_from(
        ["", "Z", "z", "+09:00", "-05:30", "+00:00", "-00:00", "+0900", "+09", "+24:00", "+09:60", "+9:00"]
    ),
)


@settings(max_examples=400)
@given(
    st.one_of(_DATES.filter(lambda value: isinstance(value, str)), _TIMES),
    st.sampled_from([None, "Asia/Pyongyang"]),
)
def test_plain_dates_parse_like_the_full_parser(text: str, tz: str | None) -> None:
    from timeline.dates import _plain_iso, parse_single

    plain = _plain_iso(text, tz)
    try:
        full = parse_single(text, tz=tz)
    except DateError:
        assert plain is None
        return
    if plain is not None:
        assert plain == full
        assert plain.text == full.text
        assert (plain.earliest, plain.latest) == (full.earliest, full.latest)
        assert (plain.earliest_key, plain.latest_key) == (full.earliest_key, full.latest_key)


@pytest.mark.parametrize(
    "text",
    ["2024", "2024-06", "2024-06-19", "2024-06-19T10:00", "2024-06-19T10:00Z", "2024-06-19T10:00:30+09:00"],
)
def test_plain_path_takes_the_usual_forms(text: str) -> None:
    from timeline.dates import _plain_iso

    assert _plain_iso(text, None) is not None


def test_shared_values_are_shared() -> None:
    shared = _Shared()
    source = {"url": "https://example.org/a", "title": "Report"}
    first = _usual_event({"id": "a", "title": "A", "date": "2024", "sources": [dict(source)]}, shared)
    second = _usual_event({"id": "b", "title": "B", "date": "2024", "sources": [dict(source)]}, shared)
    assert first is not None
    assert second is not None
    assert first.sources[0] is second.sources[0]
    assert first.date is second.date == parse_date("2024")


_USUAL = {"id": "kursk", "title": "Kursk", "date": "2024-08", "sources": [{"url": "https://example.org/a"}]}


@pytest.mark.parametrize(
    "changes",
    [
        {"id": "-bad"},
        {"id": "has space"},
        {"title": " Kursk"},
        {"title": ""},
        {"date": "2024-13"},
        {"date": "2024-02-30"},
        {"description": "text "},
        {"location": ""},
        {"tags": ["war", " war"]},
        {"tags": ["war", 1]},
        {"sources": [{"url": "not a url"}]},
        {"sources": [{"url": "x:"}]},
        {"sources": [{}]},
        {"sources": [{"title": "Report", "publisher": " Agency"}]},
        {"sources": [{"url": "https://example.org/a", "pubisher": "Agency"}]},
    ],
)
def test_usual_path_leaves_every_mistake_to_the_checks(changes: dict[str, Any]) -> None:
    raw = {**_USUAL, **changes}
    assert _usual_event(_USUAL, _Shared()) is not None
    assert _usual_event(raw, _Shared()) is None
    event, problems = _checked(raw)
    assert problems or event is not None  # the checks refuse it, or trim stray spaces and keep it
