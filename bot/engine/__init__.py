"""The deterministic recommendation engine: pure functions, no I/O, no LLM.

`decide(DecisionInput) -> Recommendation` is the whole interface; the rules it applies are
data in `rules.DECISIVE` and `notes.NOTES`.
"""

from bot.engine.models import Approach, DecisionInput, FailureCause, Recommendation, Task
from bot.engine.recommend import decide

__all__ = ["Approach", "DecisionInput", "FailureCause", "Recommendation", "Task", "decide"]
