import math

from hypothesis import given
from hypothesis import strategies as st

from rep_video.captions.cues import MIN_CUE_SECONDS, Cue, move_cue, through_trim, tidy


def test_tidy_sorts_trims_drops_and_ends_overlaps() -> None:
    cues = [
        Cue(5.0, 7.0, "  second   line "),
        Cue(1.0, 6.0, "first"),
        Cue(8.0, 9.0, "   "),
        Cue(math.nan, 2.0, "bad"),
        Cue(3.0, 2.0, "reversed"),
    ]
    assert tidy(cues) == (Cue(1.0, 5.0, "first"), Cue(5.0, 7.0, "second line"))


def test_tidy_joins_cues_that_start_together() -> None:
    assert tidy([Cue(1.0, 3.0, "a"), Cue(1.1, 2.0, "b")]) == (Cue(1.0, 3.0, "a\nb"),)


def test_move_cue_stays_between_its_neighbours() -> None:
    cues = (Cue(0.0, 2.0, "a"), Cue(3.0, 5.0, "b"), Cue(6.0, 8.0, "c"))
    assert move_cue(cues, 1, start=1.0)[1] == Cue(2.0, 5.0, "b")  # not into "a"
    assert move_cue(cues, 1, end=9.0)[1] == Cue(3.0, 6.0, "b")  # not into "c"
    assert move_cue(cues, 1, start=3.5, end=3.4)[1].duration >= MIN_CUE_SECONDS - 1e-9
    assert move_cue(cues, 0, start=-4.0)[0].start == 0.0


def test_a_trim_shifts_and_clips_the_cues() -> None:
    cues = (Cue(0.5, 2.0, "cut away"), Cue(2.5, 4.5, "clipped head"), Cue(5.0, 6.0, "kept"),
            Cue(9.5, 11.0, "clipped tail"), Cue(12.0, 13.0, "after the end"))  # fmt: skip
    assert through_trim(cues, 3.0, 10.0) == (
        Cue(0.0, 1.5, "clipped head"),
        Cue(2.0, 3.0, "kept"),
        Cue(6.5, 7.0, "clipped tail"),
    )
    # An intro card before the video moves everything later.
    assert through_trim(cues, 3.0, 10.0, offset=2.0)[0] == Cue(2.0, 3.5, "clipped head")


def test_too_little_left_of_a_cue_drops_it() -> None:
    assert through_trim([Cue(0.0, 3.1, "a")], 3.0, None) == ()


@given(
    st.lists(
        st.tuples(st.floats(0, 100), st.floats(0.01, 10), st.text(min_size=1, max_size=5)),
        max_size=20,
    ),
    st.floats(0, 50),
    st.floats(0.5, 60),
    st.floats(0, 3),
)
def test_trimmed_cues_lie_inside_the_sent_video(raw, start, length, offset) -> None:
    cues = tidy(Cue(a, a + d, t) for a, d, t in raw)
    out = through_trim(cues, start, start + length, offset)
    for cue in out:
        assert offset - 1e-3 <= cue.start < cue.end <= offset + length + 1e-3
        assert cue.duration >= MIN_CUE_SECONDS - 2e-3
    assert [c.start for c in out] == sorted(c.start for c in out)
