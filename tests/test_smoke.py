"""The example timeline loads."""

from timeline import Timeline


def test_example_loads(example_timeline: Timeline) -> None:
    """The shipped example is valid and sorted."""
    assert len(example_timeline) >= 17
