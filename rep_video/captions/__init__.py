"""Captions for a share: cues on the video's timeline (cues.py), WebVTT in and out
(webvtt_io.py), captions made from the script the rep read (audio.py → vad.py → sentences.py
→ align.py, tied together in from_script.py) or from speech by a recogniser (recogniser.py,
with the faster-whisper adapter in whisper.py)."""
