"""Advisor: helps teams choose between better prompts, RAG and fine-tuning."""

__version__ = "0.1.0"
