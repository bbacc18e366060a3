"""The console's pages, a module per part of the left menu."""
