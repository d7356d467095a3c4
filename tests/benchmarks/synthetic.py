"""Synthetic timelines for benchmarks: mixed precisions, tags, sources, long and non-Latin text."""

from __future__ import annotations

import csv
import io
import json
import random
from typing import Any

import yaml

_DATES = [
    lambda r: f"{r.randint(1900, 2025)}",
    lambda r: f"{r.randint(1900, 2025)}-{r.randint(1, 12):02d}",
    lambda r: f"{r.randint(1900, 2025)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
    lambda r: f"{r.choice(['early', 'mid', 'late'])} {r.randint(190, 202)}0s",
    lambda r: f"c. {r.randint(1900, 2025)}",
    lambda r: f"{r.randint(1900, 2024)}-{r.randint(1, 12):02d}/..",
    lambda r: f"{r.randint(1950, 1990)}/{r.randint(1991, 2025)}-{r.randint(1, 12):02d}",
    lambda r: f"{r.randint(1990, 2025)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:30:00Z",
    lambda r: f"{r.randint(1900, 2025)}-2{r.randint(1, 4)}",
    lambda r: f"{r.randint(1900, 2025)}?",
]
_WORDS = ["troops", "Kursk", "armistice", "병력", "파병", "войска", "перемирие", "القوات", "会谈", "delegation"]
_TAGS = ["war", "diplomacy", "economy", "estimates", "kursk", "history"]


def events(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """`count` plain event mappings as a user would write them."""
    r = random.Random(seed)
    result = []
    for index in range(count):
        words = r.choices(_WORDS, k=r.randint(3, 12))
        event: dict[str, Any] = {
            "id": f"event-{index}",
            "title": " ".join(words).capitalize(),
            "date": r.choice(_DATES)(r),
            "tags": r.sample(_TAGS, r.randint(0, 3)),
            "sources": [{"url": f"https://example.org/{index}", "title": "Report", "publisher": "Agency"}],
        }
        if r.random() < 0.5:
            event["description"] = " ".join(r.choices(_WORDS, k=r.randint(10, 60)))
        if r.random() < 0.3:
            event["location"] = r.choice(["Pyongyang", "Kursk region", "Москва", "서울"])
        result.append(event)
    return result


def as_yaml(items: list[dict[str, Any]]) -> str:
    return yaml.dump(
        {"timeline": {"title": "Synthetic"}, "events": items},
        Dumper=yaml.CSafeDumper,
        allow_unicode=True,
        sort_keys=False,
    )


def as_json(items: list[dict[str, Any]]) -> str:
    return json.dumps({"title": "Synthetic", "events": items}, ensure_ascii=False)


def as_csv(items: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns = [
        "id",
        "title",
        "date",
        "description",
        "location",
        "tags",
        "source_url",
        "source_title",
        "source_publisher",
    ]
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    for event in items:
        source = event["sources"][0]
        writer.writerow(
            {
                "id": event["id"],
                "title": event["title"],
                "date": event["date"],
                "description": event.get("description", ""),
                "location": event.get("location", ""),
                "tags": ";".join(event["tags"]),
                "source_url": source["url"],
                "source_title": source["title"],
                "source_publisher": source["publisher"],
            }
        )
    return out.getvalue()
