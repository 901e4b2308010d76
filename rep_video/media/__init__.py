"""Media, in three jobs over a few shared pieces.

- `capture/`: the live recorder (encoders, the encoder queue, tier control, microphone levels,
  synthetic sources, recovery of unfinished recordings).
- `cut/`: trimming (the plan, smart trim, packet joining, x264 parameter-set matching).
- `publish/`: what a send makes from a clip (finalize, poster, email GIF, intro card).
- Shared here: probing (`probe`, `atoms`), decoded frames (`frames`), the mobile profile
  (`profile`, `transcode_settings`) and running ffmpeg (`ffmpeg_args`, `process`,
  `progress_parser`).
"""
