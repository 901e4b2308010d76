"""MP4 at the level of boxes and samples: reading the recorder's fragmented files and plain
MP4s into located samples, and writing faststart MP4s as layouts of spans (instant upload
composes a video on the server from the same layout)."""
