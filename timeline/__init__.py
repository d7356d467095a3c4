"""timeline: dated events into calendars, images and reports, keeping each date's precision.

>>> from timeline import load_timeline, parse_date, display
>>> display(parse_date("late 1970s/early 1980s"))
'late 1970s – early 1980s'
"""

from timeline.dates import Bound, DateError, EventDate, FuzzyDate, Interval, Part, Precision, parse_date
from timeline.display import display
from timeline.formats import Exported, ExportOptions, export
from timeline.load import Loaded, load, load_timeline
from timeline.problems import InvalidInput, Problem
from timeline.records import Event, Source, Timeline, sort_key

__version__ = "0.1.0"

__all__ = [
    "Bound",
    "DateError",
    "Event",
    "EventDate",
    "ExportOptions",
    "Exported",
    "FuzzyDate",
    "Interval",
    "InvalidInput",
    "Loaded",
    "Part",
    "Precision",
    "Problem",
    "Source",
    "Timeline",
    "__version__",
    "display",
    "export",
    "load",
    "load_timeline",
    "parse_date",
    "sort_key",
]
