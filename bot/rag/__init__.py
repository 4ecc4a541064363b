"""Knowledge base: ingestion into Chroma, hybrid retrieval and grounded answers.

The entry point is `bot.rag.knowledge.KnowledgeBase` (the core's `Answerer`).
Nothing heavy is imported here: chromadb loads only when the index is first used.
"""
