"""Trimming: the plan, smart trim (re-encode only the cut GOPs), packet joining, and matching
the source's x264 parameter sets."""
