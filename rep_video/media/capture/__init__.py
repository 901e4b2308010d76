"""The live recorder and what feeds it: encoders, the encoder queue, tier control,
microphone levels, synthetic sources, recovery of recordings that did not finish."""
