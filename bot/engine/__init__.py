"""The deterministic recommendation engine: pure functions, no I/O, no LLM."""
