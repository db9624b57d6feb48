"""One module per CLI command (or small family), imported only when used."""
