"""stretchcue host tool: author routines, talk to the device, keep the history."""
