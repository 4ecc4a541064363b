"""Persistence behind one small interface: dialogue state, dedupe, feedback, history."""
