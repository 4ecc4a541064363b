"""Knowledge-base sections the engine cites, by id.

The knowledge base's front matter declares the same ids; a test checks that
every id here exists there with this title and file, so citations never dangle.
"""

from __future__ import annotations

from bot.engine.models import Citation

# id -> (title, file under knowledge/)
SECTIONS: dict[str, tuple[str, str]] = {
    "quick-facts": ("Quick facts", "overview.md"),
    "prompting-first": ("Why prompting comes first", "overview.md"),
    "prompt-engineering": ("What prompt engineering is", "prompt-engineering.md"),
    "fine-tuning": ("What fine-tuning is", "fine-tuning.md"),
    "fine-tuning-when": ("When fine-tuning is warranted", "fine-tuning.md"),
    "rag-first": ("RAG is not fine-tuning: retrieval first", "fine-tuning.md"),
    "comparison": ("Prompting and fine-tuning side by side", "comparison.md"),
    "flowchart": ("The decision flowchart", "decision-flowchart.md"),
    "ninety-percent-test": ("The 90% test", "decision-flowchart.md"),
    "measuring": ("Measuring a success rate", "decision-flowchart.md"),
    "scenario-pdf-extraction": ("Scenario: structured data from messy PDFs", "scenarios.md"),
    "scenario-ticket-classification": ("Scenario: classifying support tickets", "scenarios.md"),
    "scenario-legal-clauses": ("Scenario: specialized legal clauses", "scenarios.md"),
    "scenario-research-summaries": ("Scenario: summarizing research papers", "scenarios.md"),
    "scenario-technical-translation": (
        "Scenario: technical docs into plain English",
        "scenarios.md",
    ),
    "combining": ("Combining prompting and fine-tuning", "combining.md"),
    "maintenance-trap": ("The maintenance trap", "combining.md"),
    "cost-structure": ("How the costs are structured", "costs.md"),
    "total-cost-of-ownership": ("Total cost of ownership", "costs.md"),
    "price-tables": ("Price tables Advisor uses", "costs.md"),
    "mistake-skipping-prompts": ("Mistake: fine-tuning before testing prompts", "mistakes.md"),
    "mistake-small-datasets": ("Mistake: training on small datasets", "mistakes.md"),
    "mistake-inference-costs": ("Mistake: forgetting inference costs", "mistakes.md"),
    "mistake-model-versioning": ("Mistake: ignoring model versioning", "mistakes.md"),
    "mistake-wrong-model": ("Mistake: fine-tuning the wrong model", "mistakes.md"),
    "faq-what-first": ("FAQ: which approach first?", "faq.md"),
    "faq-training-data": ("FAQ: where training data comes from", "faq.md"),
    "faq-fine-tune-twice": ("FAQ: fine-tuning a fine-tuned model", "faq.md"),
    "faq-lora": ("FAQ: what LoRA is", "faq.md"),
    "faq-local-or-cloud": ("FAQ: local or cloud fine-tuning", "faq.md"),
    "faq-duration": ("FAQ: how long fine-tuning takes", "faq.md"),
    "faq-no-improvement": ("FAQ: when fine-tuning does not help", "faq.md"),
    "faq-combine": ("FAQ: combining both", "faq.md"),
    "regional-context": ("Regional context and localization", "regional.md"),
}


def citation(section: str) -> Citation:
    """The citation for a section id (KeyError for an unknown id: a programming error)."""
    title, path = SECTIONS[section]
    return Citation(section=section, title=title, path=path)
