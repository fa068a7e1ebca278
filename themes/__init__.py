"""The built-in themes, shipped inside the briefgen package as briefgen.themes."""
