"""Media: probe, keyframes, trim planning and execution, finalize, poster/preview, recorder."""
