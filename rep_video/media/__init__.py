"""Media, in three jobs over a few shared pieces.

- `capture/`: the live recorder (encoders, the encoder queue, tier control, microphone levels,
  synthetic sources, recovery of unfinished recordings).
- `cut/`: trimming (the plan, smart trim, packet joining, x264 parameter-set matching).
- `publish/`: what a send makes from a clip, in the order `publish.pipeline` runs it (trim,
  finalize, intro card, poster, email GIF).
- Shared here: probing (`probe`, `atoms`), decoded frames (`frames`), the mobile profile
  (`profile`, `transcode_settings`, `x264`) and re-encoding in process with PyAV
  (`encoding`, `transcode`). No media step starts a process.
"""
