"""The parts of `make demo` (scripts/demo.py), one module per channel, and what
they share (`common`)."""
