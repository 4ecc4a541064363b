"""The optional chat model: one configured LangChain model, called with a timeout.

Two jobs use it, and neither is needed: rephrasing retrieved chunks into an answer
(bot.rag.llm) and proposing decision slots from free text (bot.llm.slots). Every
failure (no provider package, no key, a timeout, a bad reply) is logged and the
caller carries on with its deterministic result.
"""
