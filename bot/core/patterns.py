"""The phrasings the slot extractor understands, as compiled regexes (data, not logic)."""

from __future__ import annotations

import re

from bot.core.numbers import MONEY, NUMBER, PERCENT_SIGN, WORD_NUMBER
from bot.core.vocab import LANGUAGES

__all__ = ["PERCENT_SIGN"]

_I = re.IGNORECASE
N = rf"(?P<n>{NUMBER})"


def _c(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, _I) for pattern in patterns)


TEST_CASES = _c(
    rf"{N}\s+(?:test(?:\s|-)?cases?|tests\b|test\s+(?:examples|inputs|samples)"
    r"|eval(?:uation)?\s+(?:cases|examples|items)|held[\s-]out\s+examples)",
    rf"\b(?:test(?:ed|ing)?|evaluat\w*|ran\s+(?:it|them|this|the\s+prompts?)|checked|measured"
    r"|scored|benchmarked)\s+"
    rf"(?:it\s+|them\s+)?on\s+(?:a\s+set\s+of\s+)?{N}(?!\s*(?:/|out\s+of|of)\s*\d)",
    rf"\btest\s+set\s+(?:of\s+|is\s+)?{N}",
    # "a 50-ticket eval", "our 40 sample test set"
    rf"(?!(?:19|20)\d\d\b){N}[\s-]+(?:[a-z]+[\s-]+)?"
    r"(?:eval(?:uation)?|test\s*set|benchmark|golden\s+set|suite)\b",
    # "our eval has 55 cases", "test set: 200 items", "benchmark of 80"
    rf"\b(?:eval(?:uation)?|test\s*set|benchmark|golden\s+set|test\s+suite)\s*(?:set\s+)?"
    rf"(?:has|had|of|with|is|was|are|:|=|size)\s*(?:about|around|roughly|~|only|just)?\s*{N}"
    r"(?!\s*%)",
    # "65 tickets in the eval", "40 cases in our test set"
    rf"{N}\s+(?:[a-z-]+\s+)?in\s+(?:the|our|my)\s+(?:eval(?:uation)?|test\s*set|benchmark"
    r"|golden\s+set|hold[\s-]?out|test\s+suite)\b",
    # "120 test docs", "220 held-out emails"
    rf"{N}\s+(?:test|held[\s-]?out|eval(?:uation)?|hold[\s-]?out)\s+[a-z]+",
    # "30 invoices graded", "60 contracts evaluated"
    rf"{N}\s+(?:[a-z-]+\s+)?[a-z]{{2,}}s\s+(?:tested|evaluated|checked|scored|graded)\b",
)
# After a success rate: "64% on 75 emails", "0.74 accuracy over 120 docs", "85% good on 40".
ON_CASES = re.compile(
    r"\s*(?:of\s+(?:the\s+)?(?:[a-z-]+\s+){1,2}(?=(?:acc\w*|correct\w*|right|good)\b))?"
    r"(?:acc\w*|correct\w*|right|good|success\w*|pass\w*|f1|precision|recall"
    r"|exact[\s-]match\w*|match\w*)?\s*"
    r"(?:of\s+(?:the\s+)?(?:time|cases)\s+)?"
    rf"(?:on|over|across|against|from)\s+(?:a\s+|an\s+|the\s+|our\s+|my\s+)?"
    rf"(?:(?:set|sample|batch)\s+of\s+)?{N}(?!\s*(?:%|percent|/|k\b))",
    re.IGNORECASE,
)

_REQUESTS = (
    r"(?:[a-z-]+\s+)?(?:requests?|reqs?|calls?|quer(?:y|ies)|messages?|tickets?|conversations?|chats?"
    r"|documents?|docs|emails?|invoices?|items?|users?|predictions?|inferences?|runs?|pages?"
    r"|questions?|transactions?|records?|sessions?)"
)
_PER = r"(?:\s*/\s*|\s+(?:a|an|per|each|every)\s+|\s*per\s*)"
_UNIT = r"(?P<unit>day|d|week|wk|month|mo|year|yr)\b"
_ADVERB = r"(?P<unit>daily|weekly|monthly|yearly|annually)"
# "300 quotes/wk": any counted thing per unit of time is traffic, except these
_NOT_TRAFFIC = (
    r"(?:tokens?|hours?|minutes?|times|people|engineers|devs|dollars|bucks|euros|releases"
    r"|deploys|deployments|iterations|prompts|versions|days|weeks|months|years|hires|visitors"
    r"|visits|signups|subscribers|installs|downloads|followers|employees)\b"
)
_COUNTED = rf"(?:{_REQUESTS}|(?:[a-z-]+\s+)?(?!{_NOT_TRAFFIC})[a-z]{{3,}}s)"
VOLUME = _c(
    rf"{N}(?:\s+{_COUNTED})?{_PER}{_UNIT}",
    # "30k monthly active users" counts people, not requests
    rf"{N}(?:\s+{_COUNTED})?\s+{_ADVERB}\b(?!\s+(?:active|unique)\b)",
    rf"{N}\s+{_ADVERB}\s+(?!(?:active\s+|unique\s+)?users)(?:{_REQUESTS})",
    rf"\b{_ADVERB}\s+(?:volume|traffic|requests|calls|usage)\s*(?:is|of|:|=)?\s*"
    rf"(?:about|around|roughly|~)?\s*{N}",
    # "each month about 30k requests"
    rf"\b(?:each|every|per)\s+(?P<unit>day|week|month|year)\b[^.;!?\d]{{0,25}}?{N}\s+{_COUNTED}",
)
# "each does 4 queries a day", "4 a day per user": one person's use, not the traffic
PER_PERSON_BEFORE = re.compile(
    r"\b(?:each(?!\s+(?:day|week|month|year)\b)|every\s+(?:user|customer|agent|person|member))"
    r"\b[^.;,!?]*$",
    _I,
)
PER_PERSON_AFTER = re.compile(
    r"\s*(?:per|each|a|for\s+each|for\s+every)\s+(?:user|person|customer|agent|member|seat"
    r"|employee|rep|store|shop|location|branch|site|office|team|account|tenant|client)\b",
    _I,
)
AVERAGE = re.compile(r"\b(?:avg|average|averag\w+|mean|rated|rating|ratings|stars?)\b", _I)
LATER_AFTER = re.compile(r"\s*(?:now|today|currently|these\s+days|at\s+the\s+moment)\b", _I)
# Requests per month for one request per unit of time.
PER_MONTH = {"da": 30.0, "d": 30.0, "w": 52 / 12, "mo": 1.0, "y": 1 / 12, "an": 1 / 12}

TOKENS = _c(
    rf"(?<!per )(?<!/){N}\s*(?:tokens?|toks?)\b(?!{_PER}(?:day|week|month|year|mo)\b)",
    rf"\btokens?\s+(?:per|a|each)\s+(?:request|call|query|message)\s*(?:is|are|of|:|=)?\s*"
    rf"(?:about|around|roughly|~)?\s*{N}",
)

_NOT_A_PRICE = r"(?!\s*(?:/|per\b|an?\s+(?:month|day|year|week|request|call|hour|token)|each\b))"
BUDGET = _c(
    rf"(?P<n>{MONEY}){_NOT_A_PRICE}",
    rf"{N}\s*(?:dollars|usd|bucks|euros?|eur)\b{_NOT_A_PRICE}",
    rf"{N}\s+grand\b{_NOT_A_PRICE}",
    rf"\bbudget\s*(?:of|is|:|=)?\s*(?:about|around|roughly|~)?\s*{N}(?!\s*%)",
)
PAST_SPEND = re.compile(
    r"\b(?:spent|cost|costs|costing|paid|paying|price[sd]?|charges?|charged)\b[^.;!?]*$", _I
)

# "5 years of tickets", "3 months old" are data, not the horizon; "a 2-year window", "24 mo"
HORIZON = re.compile(
    rf"{N}[\s-]*(?P<unit>years?|yrs?|months?|mos?)\b"
    r"(?![\s-]+(?:of|old|worth|history|back|now|so\s+far|already|in\s+production)\b)",
    _I,
)
# "18mo", "2yr": a count glued to its unit
HORIZON_GLUED = re.compile(
    r"(?<![\w.$])(?P<n>\d{1,3})(?P<unit>mos?|yrs?)\b(?![\s-]+(?:of|old)\b)", _I
)
NEXT_YEAR = re.compile(
    r"\b(?:over|for|within|across)\s+(?:the\s+next|the\s+coming|a|one)\s+year\b"
    r"(?!\s+and\s+a\s+half)",
    _I,
)
YEAR_AND_HALF = re.compile(r"\b(?:a|one)\s+year\s+and\s+a\s+half\b", _I)
PAST_TIME = re.compile(
    r"\b(?:past|last|been|spent|for\s+the\s+last|we'?ve|ran|running|had)\b[^.;!?]*$", _I
)
# "launch in 3 months", "every 6 months", "live within 2 months": a date or a rhythm, no span
NOT_A_SPAN = re.compile(
    r"(?:\b(?:in|every|each|after)|\b(?:launch\w*|live|ship\w*|deadline|ready|deliver\w*|done"
    r"|release\w*|deploy\w*|finish\w*|due)\b[^.;,!?]{0,20}\bwithin)"
    r"\s+(?:about\s+|around\s+|roughly\s+|~\s*)?$",
    _I,
)
AGO = re.compile(r"\s+ago\b", _I)

# "7/10", "18 of 30", "6 out of every 10"; "6 in 10" only with a success word near it
FRACTION = re.compile(
    rf"{N}\s*(?:times\s+)?(?P<sep>/|(?:out\s+)?of(?:\s+every)?|in(?:\s+every)?)\s*(?P<d>{NUMBER})(?![/\w])",
    _I,
)
PERCENT = re.compile(rf"{N}{PERCENT_SIGN}", _I)
DECIMAL = re.compile(r"(?<![\w.$,/-])(?P<n>0?\.\d+|1\.0+)(?![\w.%/])", _I)

_BREAK = re.compile(r"[;!?\n]|[.,](?!\d)|\s(?:but|while|whereas)\s|\s-\s", _I)


def clause_before(text: str, start: int) -> str:
    """The words before a position, back to the start of its clause (at most 60 chars)."""
    window = text[max(0, start - 60) : start]
    cuts = [m.end() for m in _BREAK.finditer(window)]
    return window[cuts[-1] :] if cuts else window


def clause_after(text: str, end: int) -> str:
    """The words after a position, up to the end of its clause (at most 70 chars)."""
    window = text[end : end + 70]
    cut = _BREAK.search(window)
    return window[: cut.start()] if cut else window


TARGET_BEFORE = re.compile(
    r"\b(?:need|needs|needed|target(?:ing|s)?|aim(?:ing)?|goal|want|wants|require[sd]?|must"
    r"|should|expect(?:ed)?|sla|acceptable|threshold|bar|happy\s+at|be\s+happy\s+with|shoot(?:ing)?|hop(?:e|ing)"
    r"|ideally|live\s+with|good\s+enough|would\s+be|to\s+(?:reach|hit|get\s+to)|minimum|min)"
    r"\b[^%/]{0,20}$",
    _I,
)
TARGET_AFTER = re.compile(
    r"\s*(?:would\s+be\s+|will\s+be\s+|is\s+)?(?:(?:good\s+)?enough|needed|required"
    r"|(?:the|our)\s+(?:target|goal|bar)|target|goal|or\s+(?:better|more|higher|above)"
    r"|would\s+(?:make|be|do|work)|is\s+what|works?\s+for\s+us|before\s+(?:we\s+)?(?:can\s+)?"
    r"(?:launch|ship|go)\w*)\b",
    _I,
)
# "target 90", "need it at 95": a target stated without a percent sign
TARGET_BARE = re.compile(
    r"\b(?:target|goal|aim|bar)\s*(?:is|of|:|=|at)?\s*(?:about|around|~)?\s*(?P<n>\d{2}(?:\.\d)?)"
    r"(?![\d.%]|\s*(?:percent|pct|[a-z]))"
    r"|\bneed\s+(?:it\s+)?(?:at|to\s+be)\s+(?P<m>\d{2}(?:\.\d)?)(?![\d.%]|\s*(?:percent|[a-z]))",
    _I,
)
_CASES = (
    r"(?:time|times|cases|tickets|tests|examples|inputs|outputs|requests|questions|answers"
    r"|queries|messages|documents|docs|emails|items|calls|runs|samples|replies|responses|drafts"
    r"|results|predictions|summaries|chats|conversations|convos)"
)
# "of the cases", "questions", "of our drafts"
_OF_CASES = (
    rf"(?:(?:of\s+(?:the\s+|our\s+|all\s+)?)?{_CASES}\s+"
    r"|of\s+(?:the\s+|our\s+|all\s+|its\s+)?(?:[a-z-]+\s+)?[a-z]{2,}s\s+"
    r"|(?:[a-z-]+\s+)?[a-z]{3,}s\s+(?=(?:are|were|come|came)\b))?"
)
_RIGHT = (
    r"(?:right|correct\w*|accura\w*|acc|f1|recall|precision|success\w*|pass\w*|work\w*|good|ok"
    r"|fine|valid|usable|exact[\s-]match\w*)"
)
SUCCESS_AFTER = re.compile(
    rf"\s*{_OF_CASES}"
    rf"(?:it'?s\s+|it\s+is\s+|they'?re\s+)?(?:are\s+|is\s+|come\s+out\s+|came\s+out\s+|were\s+|was\s+)?(?:[a-z]+ly\s+)?{_RIGHT}\b",
    _I,
)
OF_FAILURES = re.compile(
    r"\s*of\s+(?:the\s+|our\s+|all\s+|its\s+)?(?:errors|failures|mistakes|misses|fails)\b", _I
)
SYSTEMATIC = re.compile(
    r"\bsame\s+(?:[\w-]+\s+){0,2}?(?:way|mistake|error|kind|type|failure|pattern|reason|problem|issue)"
    r"|\bsystematic\w*|\bconsistently\s+(?:fail|wrong)|\balways\s+fail",
    _I,
)
FAIL_AFTER = re.compile(
    rf"\s*{_OF_CASES}"
    r"(?:are\s+|is\s+|come\s+out\s+|go\s+|were\s+|get\s+|gets\s+)?(?:wrong|fail\w*|incorrect"
    r"|errors?|bad|broken|miss\w*|rejected|escalated|need\s+(?:edits|editing|fixing|fixes"
    r"|rework|reworking|correcting|corrections|a\s+human|changes))\b",
    _I,
)
FAIL_BEFORE = re.compile(
    r"\b(?:fail\w*|wrong|errors?|error\s+rate|miss(?:es)?|incorrect)\b[^%/]{0,15}$", _I
)
BECAUSE = re.compile(r"\b(?:because|due\s+to|since|as\s+it|when\s+it)\b", _I)
SUCCESS_BEFORE = re.compile(
    rf"\b(?:{_RIGHT}|actually|more\s+like|make\s+that|correction|hit\s+rate|hits?|hitting|scor\w*|precision|recall|f1|get|gets|got|getting|at"
    r"|perform\w*|reach\w*|around|about|roughly)\b[^%/]{0,25}$",
    _I,
)
# "from 60% to 72%", "was 50% and now 68%": the earlier figure is history, the later one counts
EARLIER_BEFORE = re.compile(
    r"\b(?:from|was|were|used\s+to\s+(?:be|get)|old(?:\s+\w+)?|baseline|previously|before|first"
    r"|originally|started\s+at)\s+(?:at\s+|about\s+|around\s+|~\s*)?$",
    _I,
)
LATER_BEFORE = re.compile(
    r"\b(?:to|now(?:\s+at)?|currently(?:\s+at)?|current(?:ly)?|latest|new(?:\s+\w+)?(?:\s+one)?"
    r"|up\s+to)\s+(?:about\s+|around\s+|~\s*)?$",
    _I,
)
A_RATE = re.compile(r"\d\s*(?:%|percent\b)|\d\s*/\s*\d|(?<![\w.])0?\.\d", _I)
STRICT_SUCCESS_BEFORE = re.compile(
    r"\b(?:success\s+rate|accuracy|acc|precision|recall|f1|scor\w*|hit\s+rate)\b[^%/]{0,15}$", _I
)

_ITER = (
    r"(?:rounds?|iterations?|attempts?|tries|versions?|variants?|variations?|revisions?|drafts?"
    r"|rewrites?|prompts?|passes)"
)
ITERATIONS = _c(
    rf"{N}\s+(?:(?:different|prompt|system|more|major|rounds?\s+of|versions?\s+of|kinds\s+of)\s+)"
    rf"{{0,2}}{_ITER}\b(?!\s+(?:per|each))",
    rf"\b(?:iterated|tweaked|rewrote|rewritten|revised|tried|changed|adjusted|edited|modified"
    rf"|reworked|iterate)\b[^.;!?\n]{{0,30}}?{N}\s+times\b",
    rf"\b(?:iterations?|rounds?|attempts?|prompt\s+versions?)\s*(?::|=|so\s+far:?)\s*{N}",
    rf"\bprompts?\s*(?::|=)\s*{N}(?=\s+(?:so\s+far|tried|versions?)|\s*$)",
    # "currently using system prompt v5": the version number is the count so far
    r"\b(?:on|at|using|is|it'?s)\s+(?:(?:the|our|my)\s+)?(?:system\s+)?prompt\s+v\.?\s?(?P<n>\d{1,3})\b",
)
# "the 4th version", "third draft of the prompt": that many prompt versions so far.
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
ORDINAL_ITERATION = re.compile(
    r"\b(?P<n>\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth)\s+(?:prompt\s+)?"
    r"(?:iteration|version|draft|attempt|revision|rewrite)\b",
    re.IGNORECASE,
)
# "haven't really tested prompts yet", "no prompt work so far": zero prompt versions.
NO_ITERATIONS = re.compile(
    r"\b(?:haven'?t|have\s+not|didn'?t|did\s+not|never|not)\s+(?:really\s+|yet\s+|even\s+)?"
    r"(?:tested|tried|iterated\s+on|tweaked|touched|worked\s+on|played\s+with|experimented\s+with"
    r"|done|changed)\s+(?:any\s+|the\s+|our\s+|different\s+|much\s+)?(?:prompt|prompts|prompting)\b"
    r"|\bno\s+prompt\s+(?:iterations?|versions?|work|tuning|engineering|changes)\b",
    re.IGNORECASE,
)

# Counted things that are no set of choices ("one of our 3 engineers")
_NOT_CHOICES = (
    r"(?:engineers|devs|developers|people|folks|models|prompts|versions|iterations|tries"
    r"|attempts|customers|users|clients|months|years|weeks|days|issues|problems|mistakes|errors"
    r"|things|ways|cases|times|examples|tickets)\b"
)
CATEGORIES = _c(
    rf"\b(?:into|to|(?:one|1)\s+of)\s+{N}\s+(?:[\w-]+\s+)?(?:teams|groups|types|kinds|components"
    r"|centers|centres|tags|labels|queues|buckets|folders|departments|topics|categories|classes"
    r"|intents|reasons|codes|statuses|levels|segments|tiers|priorities|severities)\b",
    rf"\b(?:among|between|across)\s+{N}\s+(?:[\w-]+\s+)?(?:tags|labels|queues|buckets|topics"
    r"|categories|classes|intents)\b",
    rf"{N}[\s-]way\s+(?:classif\w*|split|labels?)\b",
    rf"{N}\s+(?:(?:different|distinct|possible|ticket|output|target|main|product|support|intent)"
    r"\s+)?(?:categories|classes|intents|buckets|topics|departments|queues)\b",
    rf"\b(?:across|into|among|between|over|of|in)\s+{N}\s+(?:\w+\s+)?labels\b",
    rf"{N}\s+possible\s+(?:outcomes|options|labels|answers|values|classes|codes|reasons|tags"
    r"|categories|intents)\b",
    rf"\b(?:categories|classes|labels)\s*(?::|=)\s*{N}",
    # "a 7-class problem", "20 intent labels", "8 ticket types" (not "3 types of errors")
    rf"{N}[\s-]class\b",
    rf"{N}\s+(?:[\w-]+\s+)?(?:classes|intents)\b(?!\s+of\b)",
    rf"{N}\s+(?:intent|class|category|topic|ticket|document|issue|request|reason|product|severity"
    r"|priority)\s+(?:labels|tags|types|codes|levels)\b",
    # "picks from 15 product areas", "one of 40 GL accounts", "which of our 9 warehouses"
    rf"\b(?:from|among|between)\s+{N}\s+(?:[\w-]+\s+)?(?:options|outcomes|areas|accounts"
    r"|templates|reasons|levels|types|tiers)\b",
    rf"\b(?:one|which)\s+of\s+(?:our\s+|the\s+|these\s+)?{N}\s+"
    rf"(?:(?!{_NOT_CHOICES}|\w+est\b)[\w-]+\s+)?(?!{_NOT_CHOICES})[a-z]{{3,}}s\b",
    rf"\blabel\s+set\s+(?:has|of|with|is)\s+{N}",
)
# "labelled as positive, negative, or mixed": the listed labels are the categories
LISTED_LABELS = re.compile(
    r"\b(?:labell?ed|tagged|classif\w+|sorted|marked)\s+(?:as|into)\s+"
    r"(?P<items>[\w-]+(?:\s*,\s*[\w-]+)+,?\s+or\s+[\w-]+)",
    re.IGNORECASE,
)
# "a fifth of outputs": a share in words
SHARE_WORDS = {
    "half": 0.5,
    "a third": 1 / 3,
    "two thirds": 2 / 3,
    "a quarter": 0.25,
    "three quarters": 0.75,
    "a fifth": 0.2,
    "a tenth": 0.1,
}
SHARE_WORD = re.compile(
    r"\b(?P<n>half|a\s+third|two[\s-]thirds|a\s+quarter|three[\s-]quarters|a\s+fifth|a\s+tenth)"
    r"\s+(?:of\b|the\s+time\b)",
    re.I,
)
# "250 cases: 183 correct": a count of right answers, a rate once the cases are known
COUNT_RIGHT = re.compile(
    rf"{N}\s+(?:of\s+them\s+)?(?:are\s+|were\s+|came\s+out\s+|come\s+out\s+"
    r"|(?:parse[sd]?|work(?:s|ed)?|look(?:s|ed)?|went|go(?:es)?|turn(?:s|ed)?\s+out)\s+)?"
    r"(?:correct(?:ly)?|right|pass(?:ed)?|ok|okay|good|fine|usable|valid)\b",
    re.I,
)
# After a number: a noun says what it counts, so it is no loose count to offer
NOUN_AFTER = re.compile(
    r"\s*-?\s*(?!(?:now|so|or|i|ish|maybe|total|in|at|today|right|tops)\b)[a-z]", re.I
)
PEOPLE_BEFORE = re.compile(r"\b(?:team\s+of|of\s+us|we'?re|we\s+are)\s*$", re.I)
BINARY = re.compile(r"\bbinary\b|\byes\s*/\s*no\s+classif", _I)

_QUAL = (
    r"(?:(?:hand|gold|human|expert|manually|manual)[\s-]?)?(?:labell?ed|annotated|tagged|curated|historical|past|training|gold(?:en)?"
    r"|graded|reviewed|verified|(?:[a-z]+-)?corrected)"
)
# "two training runs", "3 training rounds": counts of something other than data
_NOT_DATA = (
    r"(?:runs?|jobs?|rounds?|sessions?|epochs?|steps?|hours?|days?|weeks?|months?|years?"
    r"|costs?|budgets?|times?|cycles?|iterations?|attempts?|passes?)\b"
)
_EX_NOUN = r"(?:examples?|samples?|pairs?|data\s?points?|records?|rows?|instances?)"
_PER_CAT = r"(?P<per>\s*(?:per|for\s+each|each|a|/)\s*(?:class|category|label|intent|bucket)\b)?"
EXAMPLES = _c(
    rf"{N}\s+(?:{_QUAL}\s+)?(?:[a-z/-]+\s+)??{_EX_NOUN}\b{_PER_CAT}",
    rf"{N}\s+{_QUAL}\s+(?!{_NOT_DATA})(?:[a-z-]+\s+)??(?!{_NOT_DATA})[a-z]+\b{_PER_CAT}",
    rf"{N}\s+[a-z]+\s+(?:that\s+are\s+|already\s+|we\s+|(?:our|the|my)\s+[a-z]+\s+)?"
    r"(?:labell?ed|annotated|tagged)\b",
    rf"{N}\s+(?:hand[\s-]?)?(?:labell?ed|annotated)\b",
    rf"{N}\s+(?:[a-z]+\s+){{1,2}}(?:that\s+are\s+|already\s+|we\s+)?(?:labell?ed|annotated)\b",
    rf"\b(?:labell?ed|training|annotated)\s+(?:data(?:set)?|examples|set|pairs)\s*"
    rf"(?:of|:|=|is|are)?\s*(?:about|around|roughly|~)?\s*{N}",
)
NO_EXAMPLES = re.compile(
    rf"\bno\s+(?:{_QUAL}\s+)?(?:data|examples|training\s+data|labels|dataset)\b"
    r"|\b(?:zero|0)\s+(?:labell?ed\s+)?examples\b"
    r"|\b(?:nothing|none\s+of\s+it)\s+(?:is\s+|yet\s+)?(?:labell?ed|annotated)\b"
    r"|\bhaven'?t\s+(?:labell?ed|annotated)\s+anything\b",
    _I,
)
NONE_WORDS = re.compile(r"(?:none|zero|nothing|not any|no\s*\w*|nada)\W*", _I)

# Failure causes only count when the message is about failures (or one was asked for).
FAILURE_TALK = re.compile(
    r"\b(?:fail\w*|wrong|errors?|mistakes?|problems?|issues?|struggl\w*|bad|breaks?|broken"
    r"|miss\w*|because|doesn'?t|does not|can'?t|cannot|hallucinat\w*|inconsistent\w*|outdated"
    r"|random\w*|off|mangl\w*|garbl\w*|mix\w*\s+up|confus\w*|ignor\w*|messes|messed|mostly"
    r"|mainly|usually|keeps?|sounds?|needs?\s+to\s+sound|lost|instead\s+of|rather\s+than"
    r"|when\s+we\s+(?:need|want|asked)|should\s+(?:read|sound|be)|invent\w*|made\s+up"
    r"|makes?\s+up|misread\w*|misunderst\w*|misinterpret\w*|trip\w*\s+up|chok\w*|crash\w*"
    r"|add\s+up|forg[eo]t\w*|garbage|nonsense|botch\w*|gets?\s+(?:lost|stuck|confused)"
    r"|shuffl\w*|jumbl\w*|scrambl\w*|out\s+of\s+order|swap\w*|no\s+(?:idea|clue)\s+(?:about|of)"
    r"|(?:looked|dug|checked|gone)\s+(?:into|through)\s+(?:why|the\s+(?:errors|failures|misses))"
    r"|too\s+(?!many\b|much\b)[a-z]+|comes?\s+(?:off|across)\s+(?:as|like)|reads?\s+like)\b",
    _I,
)

# Failures said to repeat one pattern are not random slips: "the same error every time"
PATTERNED_FAILURE = re.compile(
    r"\b(?:same|identical)\s+(?:mistake|error|slip|way|thing|confusion|problem|kind|pattern)s?\b"
    r"|\b(?:always|every\s+time)\s+(?:the\s+same|confus\w*|mix\w*)",
    _I,
)

# A translation by meaning must say it moves text to, from or between languages.
BETWEEN_LANGUAGES = re.compile(
    rf"\b(?:into|to|from)\s+(?:{'|'.join(LANGUAGES)})\b|\b(?:languages|multilingual|bilingual"
    r"|locales?)\b|\b[a-z]{2}\s*(?:->|→|>|2)\s*[a-z]{2}\b",
    _I,
)

ENUM_WORDS: dict[str, dict[str, str]] = {
    "task": {
        "other": "other",
        "something else": "other",
        "classification": "classification",
        "extraction": "extraction",
        "summarization": "summarization",
        "support": "support",
        "translation": "translation",
        "generation": "generation",
        "reasoning": "reasoning",
    },
    "failure_cause": {
        "knowledge": "knowledge",
        "format": "format",
        "terminology": "terminology",
        "style": "style",
        "reasoning": "reasoning",
        "random": "random",
        "unknown": "unknown",
    },
}

_WORD_NUMBER_RE = re.compile(rf"{WORD_NUMBER}", _I)


def is_word_number(text: str, number: tuple[int, int, float]) -> bool:
    """True when a found number was written as a word ('one', 'a dozen')."""
    return bool(_WORD_NUMBER_RE.fullmatch(text[number[0] : number[1]]))
