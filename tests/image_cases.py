"""Timelines that stress the image layout: dense clusters next to long spans, many events, long and non-Latin titles."""

from __future__ import annotations

import datetime as dt
import random

from timeline.dates import parse_date
from timeline.records import Event, Timeline

_WORDS = [
    "talks",
    "troops",
    "border",
    "summit",
    "sanctions",
    "missile",
    "launch",
    "treaty",
    "visit",
    "envoy",
    "delegation",
    "ceasefire",
    "ammunition",
    "shipment",
    "report",
    "estimate",
    "casualties",
    "agreement",
    "meeting",
    "exercise",
    "satellite",
    "reactor",
    "inspection",
    "statement",
]


def dense_week() -> Timeline:
    """A 70-year span, a few decades apart, and a dense week of daily and timed events."""
    events = [
        Event("division", "Seventy years of a divided peninsula", parse_date("1950-06-25/2020-06-25")),
        Event("e1960", "A treaty of friendship is signed", parse_date("1961-07")),
        Event("e1972", "Joint communiqué on reunification", parse_date("1972-07-04")),
        Event("e1991", "Both Koreas join the United Nations", parse_date("1991-09-17")),
        Event("e2000", "First inter-Korean summit", parse_date("2000-06")),
    ]
    for day in range(7):
        date = f"2022-03-{day + 1:02d}"
        events.append(Event(f"w{day}a", f"Morning briefing number {day + 1} on the border incident", parse_date(date)))
        events.append(
            Event(f"w{day}b", f"Evening statement {day + 1} by the foreign ministry", parse_date(f"{date}T18:30+09:00"))
        )
    return Timeline("A dense week after seventy years", events, as_of=dt.date(2022, 3, 8))


def random_events(count: int, seed: int = 1953, *, importance: bool = False) -> Timeline:
    """`count` events of every precision, qualifier and shape between 1900 and 2025, from a fixed seed."""
    rng = random.Random(seed)
    events = []
    for n in range(count):
        year = rng.randint(1900, 2024)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        shape = rng.random()
        if shape < 0.35:
            text = f"{year}-{month:02d}-{day:02d}"
        elif shape < 0.5:
            text = f"{year}-{month:02d}"
        elif shape < 0.6:
            text = f"{year}"
        elif shape < 0.65:
            text = f"{rng.choice(['early', 'mid', 'late'])} {year // 10 * 10}s"
        elif shape < 0.7:
            text = f"{rng.choice(['spring', 'summer', 'autumn', 'winter'])} {year}"
        elif shape < 0.85:
            end = min(year + rng.randint(1, 6), 2025)
            text = f"{year}-{month:02d}-{day:02d}/{end}-{rng.randint(1, 12):02d}"
        elif shape < 0.9:
            text = f"{year}-{month:02d}/.."
        elif shape < 0.93:
            text = f"{year}-{month:02d}/"
        else:
            text = f"{year}-{month:02d}-{day:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}Z"
        if "/" not in text and "T" not in text and rng.random() < 0.15:
            text += rng.choice("~?%")
        title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 18))).capitalize()
        events.append(
            Event(
                f"r{n}", title, parse_date(text), importance=rng.choice([None, 1.0, 2.0, 5.0]) if importance else None
            )
        )
    return Timeline(f"{count} random events", events, as_of=dt.date(2025, 6, 30))


def many_scripts() -> Timeline:
    """Very long titles, a word longer than a line, and Korean, Arabic, Russian and Chinese titles."""
    long = " ".join(["An extraordinarily long title that keeps going"] * 8)
    events = [
        Event("ko", "북한군 러시아 쿠르스크 파병, 한국 정보당국 추산 최대 1만5천 명", parse_date("2024-10")),
        Event("ar", "كوريا الشمالية ترسل قوات إلى روسيا للقتال في منطقة كورسك", parse_date("2024-10-18")),
        Event("ru", "Северная Корея направила войска в Курскую область России", parse_date("2024-11")),
        Event("zh", "朝鲜与俄罗斯签署全面战略伙伴关系条约并承诺相互军事援助", parse_date("2024-06-19")),
        Event("long", long, parse_date("2024-07")),
        Event("word", "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3, parse_date("2024-08-06")),
        Event("mixed", "Kim Jong Un (김정은) meets Lavrov (Лавров) in Wonsan", parse_date("2025-07-12")),
        Event("ko2", "한국전쟁 정전협정 체결", parse_date("1953-07-27")),
        Event("ar2", "اتفاقية الدفاع المشترك", parse_date("2024-06-19")),
    ]
    return Timeline("제목: Titles in many scripts — عناوين — Заголовки", events, as_of=dt.date(2025, 7, 14))
