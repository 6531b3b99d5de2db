"""Lexical data: every word list the rules read, each once, named for what it means.

Rules change; the words they act on change more often (a new outlet's jargon, a new spinner
trick).  Keeping the lists here, away from the logic, lets a newcomer add a word without
reading a parser, and keeps two modules from growing drifted copies of one list (the way
spaCy keeps ``lang/en/lex_attrs.py`` and ``stop_words.py`` apart from its pipeline).

Where a list came from is said above it.  Most were written while reading the development
data named there (the example story, PolNeAR train, the SummEdits tuning domains, the FNC-1
tune split); none was fitted to a report split.
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------------------------
# Words and numbers
# --------------------------------------------------------------------------------------------

# A word: letters and digits, with inner apostrophes kept ("don't", "O’Neill").  Reuse,
# quotes and claims all cut words with it, so their offsets and counts agree.
WORD_RE = re.compile(r"\w+(?:['’]\w+)*")

# Spelled-out numbers, ordinals and multiplicatives with their values (English; the number
# words FNC-1 and SummEdits use that spaCy's ``like_num`` does not turn into a value).
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "half": 0.5, "twice": 2, "once": 1,
}  # fmt: skip
MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3,
                "m": 1e6, "bn": 1e9}  # fmt: skip

# Calendar words, for comparing dates.  Months with their common abbreviations.
MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")]
    )
    for m in names
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# --------------------------------------------------------------------------------------------
# Reported speech (quotes and claims)
# --------------------------------------------------------------------------------------------

# Verbs that introduce reported speech (lemmas), grown rule by rule on PolNeAR train's
# attributions.
SPEECH_VERBS = frozenset(
    """
    accuse acknowledge add admit agree allege announce answer argue ask assert attack bemoan
    blast boast brand call caution chant characterize charge cite claim comment complain concede
    conclude concur condemn confirm contend continue counter criticize cry declare decry demand
    deny describe disagree dismiss dub echo emphasize estimate explain hail inquire insist
    interject joke label lambaste lament maintain mention mock mutter note observe opine pledge
    point post praise predict proclaim promise query question quip quote read recall recount
    remark repeat reply report respond retort reveal ridicule say scoff scream shout sing slam
    snap state stress suggest tell testify threaten tout tweet urge vow warn whisper wonder
    write yell talk refer affirm bark exclaim inform plead muse sneer gush rave rant thunder roar
    growl sigh assure reassure remind advise taunt grumble interrupt chime posit press react
    elaborate riff
    """.split()  # noqa: SIM905 (a word list reads better than 110 quoted strings)
)
# Verbs that introduce speech only with their particle: "he went on", "Trump shot back".
PHRASAL_SPEECH = frozenset(
    {
        ("go", "on"),
        ("shoot", "back"),
        ("fire", "back"),
        ("hit", "back"),
        ("cut", "in"),
        ("chime", "in"),
        ("weigh", "in"),
        ("write", "back"),
    }
)
# The speech verbs whose complement is a statement of fact ("said that ...", "denied that
# ..."), not a question, a wish or a joke: what makes a clause someone's claim.  A named
# subset, so the two lists cannot drift apart again (they were two lists of 23 and 150).
ASSERTION_VERBS = frozenset(
    {
        "say", "tell", "state", "claim", "allege", "insist", "assert", "add", "explain",
        "describe", "recall", "admit", "deny", "argue", "note", "report", "confirm", "reveal",
        "announce", "acknowledge", "suggest", "write", "testify",
    }
)  # fmt: skip
assert ASSERTION_VERBS <= SPEECH_VERBS

# Stop words that carry a quote's meaning: changing one of them alters the quote.
MEANING_WORDS = frozenset(
    """
    not no never nobody noone none nothing nowhere neither nor without cannot
    all every everyone everybody everything everywhere each both some someone somebody
    something somewhere any anyone anybody anything anywhere almost only few many most
    more less least much several enough
    very too quite rather really just even nearly hardly barely mostly
    always ever often sometimes again already still yet
    one two three four five six seven eight nine ten eleven twelve fifteen twenty forty
    fifty sixty hundred first third
    """.split()  # noqa: SIM905 (a word list reads better than 90 quoted strings)
)

# --------------------------------------------------------------------------------------------
# Closed sets for the claim checker (set on the example story and the SummEdits tuning
# domains; see bench/results/claims_check.md)
# --------------------------------------------------------------------------------------------

# Mutually exclusive alternatives.  Words in the same inner tuple mean the same thing; two
# words from different tuples of one group conflict when attached to the same person or noun.
CONTRAST_GROUPS: dict[str, tuple[tuple[str, ...], ...]] = {
    "role": (
        ("cinematographer", "director of photography", "cameraman", "camera operator"),
        ("director", "filmmaker"),
        ("assistant director", "first assistant director"),
        ("producer", "executive producer"),
        ("armorer", "armourer", "weapons master"),
        ("electrician", "gaffer", "head electrician"),
        ("writer", "screenwriter"),
        ("editor",),
        ("lawyer", "attorney"),
        ("sheriff",),
        ("prosecutor", "district attorney"),
        ("spokesman", "spokeswoman", "spokesperson"),
        ("senator",),
        ("governor",),
        ("president",),
        ("minister",),
        ("mayor",),
        ("ceo", "chief executive"),
        ("coach",),
        ("doctor", "physician"),
        ("nurse",),
        ("teacher",),
        ("student",),
    ),
    "medium": (
        ("tv", "television", "televised", "on-camera"),
        ("radio",),
        ("podcast",),
        ("phone", "telephone"),
        ("print", "newspaper"),
        ("email",),
    ),
    "outcome": (
        ("kill", "killed", "dead", "die", "died", "slay", "slain", "fatally", "death"),
        ("injure", "injured", "wound", "wounded", "hurt", "hospitalize", "hospitalized"),
        ("unharmed", "unhurt", "uninjured"),
    ),
    "relation": (
        ("wife", "husband", "spouse"),
        ("son",),
        ("daughter",),
        ("mother", "mom", "mum"),
        ("father", "dad"),
        ("brother",),
        ("sister",),
        ("aunt",),
        ("uncle",),
        ("niece",),
        ("nephew",),
        ("cousin",),
        ("grandmother", "grandma"),
        ("grandfather", "grandpa"),
        ("grandson",),
        ("granddaughter",),
        # "partner" is left out: it names a spouse as often as a girlfriend or a colleague
        # ("caught husband Cheng" / "caught bed-hopping partner Cheng").
        ("girlfriend", "boyfriend", "fiancee", "fiance"),
        ("employer", "boss"),
    ),
    "colour": (
        ("red",),
        ("orange",),
        ("yellow",),
        ("green",),
        ("blue",),
        ("purple", "violet"),
        ("pink",),
        ("brown",),
        ("black",),
        ("white",),
        ("grey", "gray"),
    ),
    "ordinal": (
        ("first",),
        ("second",),
        ("third",),
        ("fourth",),
        ("fifth",),
        ("sixth",),
    ),
    "time of day": (
        ("morning",),
        ("afternoon",),
        ("evening",),
        ("night", "overnight"),
    ),
    "season": (
        ("spring",),
        ("summer",),
        ("autumn",),
        ("winter",),
    ),
    "weapon": (
        ("gun", "firearm", "pistol", "revolver", "handgun", "weapon"),
        ("rifle", "shotgun"),
        ("knife",),
        # A toy is not a prop: a film's prop gun can be a real firearm, as in the example
        # story.  One list with WEAPONS below (replica = prop; toy vs prop a conflict), where
        # the two lists had drifted (this group made "toy gun" and "replica" synonyms).
        ("toy gun",),
        ("replica", "prop gun", "prop"),
    ),
}

# Antonyms by lemma, one direction listed; the lookup is made symmetric below.
ANTONYM_PAIRS = (
    ("increase", "decrease"),
    ("increase", "reduce"),
    ("rise", "fall"),
    ("rise", "drop"),
    ("raise", "lower"),
    ("gain", "lose"),
    ("win", "lose"),
    ("accept", "reject"),
    ("accept", "decline"),
    ("agree", "disagree"),
    ("approve", "reject"),
    ("allow", "forbid"),
    ("allow", "prohibit"),
    ("confirm", "deny"),
    ("admit", "deny"),
    ("support", "oppose"),
    ("open", "close"),
    ("start", "end"),
    ("begin", "end"),
    ("buy", "sell"),
    ("arrive", "depart"),
    ("enter", "leave"),
    ("include", "exclude"),
    ("succeed", "fail"),
    ("success", "failure"),
    ("positive", "negative"),
    ("high", "low"),
    ("higher", "lower"),
    ("large", "small"),
    ("larger", "smaller"),
    ("big", "small"),
    ("more", "less"),
    ("more", "fewer"),
    ("most", "least"),
    ("long", "short"),
    ("early", "late"),
    ("earlier", "later"),
    ("before", "after"),
    ("first", "last"),
    ("strong", "weak"),
    ("stronger", "weaker"),
    ("good", "bad"),
    ("better", "worse"),
    ("best", "worst"),
    ("easy", "difficult"),
    ("easy", "hard"),
    ("possible", "impossible"),
    ("legal", "illegal"),
    ("true", "false"),
    ("right", "wrong"),
    ("correct", "incorrect"),
    ("safe", "dangerous"),
    ("safe", "unsafe"),
    ("alive", "dead"),
    ("guilty", "innocent"),
    ("new", "old"),
    ("young", "old"),
    ("rich", "poor"),
    ("happy", "sad"),
    ("calm", "angry"),
    ("private", "public"),
    ("internal", "external"),
    ("domestic", "foreign"),
    ("male", "female"),
    ("man", "woman"),
    ("north", "south"),
    ("east", "west"),
    ("up", "down"),
    ("upward", "downward"),
    ("profit", "loss"),
    ("expand", "shrink"),
    ("strengthen", "weaken"),
    ("improve", "worsen"),
    ("accidentally", "deliberately"),
    ("accidental", "deliberate"),
    ("accidentally", "intentionally"),
    ("accidental", "intentional"),
    ("always", "never"),
    ("all", "none"),
    ("likely", "unlikely"),
    ("certain", "uncertain"),
    ("similar", "different"),
    ("same", "different"),
    ("add", "remove"),
    ("attack", "defend"),
    ("arrest", "release"),
    ("convict", "acquit"),
    ("praise", "criticize"),
    ("praise", "criticise"),
    ("full", "empty"),
    ("cheap", "expensive"),
    ("fast", "slow"),
    ("rare", "common"),
    ("minor", "major"),
    ("majority", "minority"),
    ("maximum", "minimum"),
    ("import", "export"),
    ("ally", "enemy"),
    ("friend", "enemy"),
    ("pass", "fail"),
    ("present", "absent"),
    ("remember", "forget"),
    ("hire", "fire"),
    ("borrow", "lend"),
    ("cause", "prevent"),
    ("sooner", "later"),
    ("earn", "lose"),
    ("earnings", "losses"),
    ("gain", "loss"),
    ("above", "below"),
    ("over", "under"),
    ("surplus", "deficit"),
    ("upgrade", "downgrade"),
    ("inflow", "outflow"),
    ("boring", "interesting"),
    ("win", "defeat"),
    ("victory", "defeat"),
    ("outperform", "underperform"),
    ("overestimate", "underestimate"),
    ("optimistic", "pessimistic"),
    ("benefit", "harm"),
    ("encourage", "discourage"),
    ("like", "dislike"),
    ("love", "hate"),
    ("ahead", "behind"),
    ("inside", "outside"),
    ("maximize", "minimize"),
    ("simple", "complex"),
    ("visible", "invisible"),
    ("temporary", "permanent"),
    ("explicit", "implicit"),
    ("input", "output"),
    ("manual", "automatic"),
    ("manual", "automated"),
    ("free", "paid"),
    ("next", "previous"),
    ("next", "last"),
    ("beginning", "end"),
    ("online", "offline"),
    ("urban", "rural"),
    ("ancient", "modern"),
    ("junior", "senior"),
    ("winner", "loser"),
    ("buyer", "seller"),
    ("general", "specific"),
    ("abstract", "concrete"),
    ("active", "passive"),
    ("absolute", "relative"),
    ("global", "local"),
    ("qualitative", "quantitative"),
    ("static", "dynamic"),
    ("upper", "lower"),
    ("inner", "outer"),
    ("top", "bottom"),
    ("front", "back"),
    ("offensive", "defensive"),
    ("offense", "defense"),
    ("supporter", "opponent"),
    ("peace", "war"),
    ("wet", "dry"),
    ("hot", "cold"),
    ("warm", "cold"),
    ("heavy", "light"),
    ("thick", "thin"),
    ("wide", "narrow"),
    ("deep", "shallow"),
    ("rise", "decline"),
    ("increase", "decline"),
    ("grow", "shrink"),
    ("growth", "decline"),
    ("surge", "plunge"),
    ("soar", "plummet"),
    ("climb", "fall"),
    ("jump", "drop"),
    ("bullish", "bearish"),
    ("hawkish", "dovish"),
    ("acquire", "divest"),
    ("lift", "impose"),
    ("ease", "tighten"),
    ("loosen", "tighten"),
    ("allow", "ban"),
    ("morning", "evening"),
    ("day", "night"),
    ("birth", "death"),
    ("arrival", "departure"),
    ("entrance", "exit"),
    ("send", "receive"),
    ("credit", "debit"),
    ("asset", "liability"),
    ("income", "expense"),
    ("overvalue", "undervalue"),
    ("accelerate", "decelerate"),
    ("accelerate", "slow"),
    ("minimal", "maximal"),
    ("negligible", "significant"),
    ("crucial", "irrelevant"),
    ("advanced", "basic"),
    ("comprehensive", "basic"),
    ("expensive", "affordable"),
    ("costly", "cheap"),
    ("wealthy", "poor"),
    ("victory", "loss"),
    ("ignore", "highlight"),
)
ANTONYMS: dict[str, frozenset[str]] = {}
for _a, _b in ANTONYM_PAIRS:
    ANTONYMS[_a] = ANTONYMS.get(_a, frozenset()) | {_b}
    ANTONYMS[_b] = ANTONYMS.get(_b, frozenset()) | {_a}

NEGATIVE_PREFIXES = ("un", "in", "im", "ir", "il", "dis", "non", "non-")
TIME_UNITS = frozenset(
    {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"}
)
# Units a number can measure, by kind: the reworded-twin comparison (claims.twins) flags the
# same number measured as another kind ("a 51-year-old veteran" / "a veteran of 51 years")
# or in another unit of one kind.  A length of time something is "old" or "aged" is an age.
UNIT_KINDS: dict[str, str] = {
    **{unit: "time" for unit in TIME_UNITS},
    "percent": "percent", "%": "percent", "percentage": "percent",
    "dollar": "money", "$": "money", "£": "money", "€": "money", "euro": "money",
    "cent": "money", "pound": "money", "yen": "money",
    "mile": "distance", "kilometre": "distance", "kilometer": "distance", "km": "distance",
    "metre": "distance", "meter": "distance", "foot": "distance", "feet": "distance",
    "yard": "distance", "inch": "distance",
    "kilogram": "weight", "kg": "weight", "gram": "weight", "ton": "weight",
    "tonne": "weight", "ounce": "weight", "lb": "weight",
}  # fmt: skip
AGE_WORDS = frozenset({"old", "aged", "age"})
# Verbs too common to carry a claim's polarity on their own, or to stand for a predicate:
# "the account is not official" and "the account is a fake" share subject and verb "be",
# and agree.
LIGHT_VERBS = frozenset({"be", "have", "do", "say", "tell", "make", "get", "go", "take", "come"})
# Words that set how far a claim reaches: its scope ("*only* on phones", "*except* custom
# content", "*all* simmers"), a comparison ("*more*", "*fewer*") or a degree ("*slight*").
# Each is a claim of its own that the evidence must make too.  On the SummEdits tuning
# domains this gap fires on 37 edited summaries and no consistent one.  (Negators are left
# to the denial rules: "never" and "n't" deny alike.)
SCOPE_WORDS = frozenset(
    {"only", "except", "solely", "exclusively", "all", "every", "none", "more", "less",
     "fewer", "most", "least", "slight", "slightly", "minor", "negligible", "small"}
)  # fmt: skip
# Verbs that deny their complement: "the authors fail to *build* a model".
DENYING_VERBS = frozenset({"fail", "refuse", "neglect"})

# --------------------------------------------------------------------------------------------
# Slots of a story's facts (claims/facts.py; set on the example story and the FNC-1 tune
# split's distortions, bench/claims_distort.py)
# --------------------------------------------------------------------------------------------

# Role phrase -> canonical role.  Longer phrases win ("director of photography" is not
# "director"), so matching tries the longest phrase first.
ROLES: dict[str, str] = {
    "director of photography": "cinematographer",
    "cinematographer": "cinematographer",
    "cameraman": "cinematographer",
    "assistant director": "assistant director",
    "first assistant director": "assistant director",
    "director": "director",
    "head electrician": "electrician",
    "chief electrician": "electrician",
    "electrician": "electrician",
    "gaffer": "electrician",
    "script supervisor": "script supervisor",
    "armorer": "armorer",
    "armourer": "armorer",
    "producer": "producer",
    "executive producer": "producer",
    "actor": "actor",
    "actress": "actor",
    "star": "actor",
    "anchor": "anchor",
    "presenter": "anchor",
    "sheriff": "sheriff",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "spokesperson": "spokesperson",
    "lawyer": "lawyer",
    "attorney": "lawyer",
    "prosecutor": "prosecutor",
    "senator": "senator",
    "governor": "governor",
    "president": "president",
    "vice president": "vice president",
    "prime minister": "prime minister",
    "minister": "minister",
    "mayor": "mayor",
    "deputy mayor": "deputy mayor",
    "fire chief": "fire chief",
    "police chief": "police chief",
    "ceo": "chief executive",
    "chief executive": "chief executive",
    "chairman": "chairman",
    "coach": "coach",
    "manager": "manager",
    "doctor": "doctor",
    "nurse": "nurse",
    "teacher": "teacher",
    "student": "student",
    "singer": "singer",
    "rapper": "singer",
    "journalist": "journalist",
    "reporter": "journalist",
    "photographer": "photographer",
    "police officer": "police officer",
    "officer": "police officer",
    "soldier": "soldier",
    "pilot": "pilot",
    "captain": "captain",
    "screenwriter": "writer",
    "writer": "writer",
    "author": "writer",
    "editor": "editor",
}
# Roles one person commonly holds together; any other two different roles conflict.
COMPATIBLE_ROLES = [
    {"actor", "producer", "director", "writer", "singer"},
    {"president", "chairman", "chief executive"},
    {"police officer", "sheriff", "police chief"},
    {"journalist", "anchor", "editor", "writer", "photographer"},
]
SPOUSE_WORDS = {"wife", "husband", "spouse"}
CHILD_WORDS = {"son", "daughter", "child"}
MEDIA = {
    "tv": "tv",
    "television": "tv",
    "televised": "tv",
    "on-camera": "tv",
    "on camera": "tv",
    "radio": "radio",
    "podcast": "podcast",
    "phone": "phone",
    "telephone": "phone",
    "print": "print",
    "newspaper": "print",
}
# The nouns a medium word describes in a medium fact ("a TV interview", "his radio address").
MEDIUM_NOUNS = ("interview", "broadcast", "appearance", "address", "conversation", "show")
# Gun nouns: a toy or prop word names a weapon only before one ("toy gun", "replica pistol").
GUN_NOUNS = ("gun", "pistol", "weapon", "firearm", "rifle")
WEAPONS = {
    "toy": "toy",
    "fake": "toy",
    "water": "toy",
    "prop": "prop",
    "replica": "prop",
    "pistol": "handgun",
    "revolver": "handgun",
    "handgun": "handgun",
    "rifle": "long gun",
    "shotgun": "long gun",
    "firearm": "firearm",
    "knife": "knife",
}
# Weapon kinds that cannot describe the same object.
WEAPON_CLASHES = {
    frozenset({"toy", "prop"}),
    frozenset({"toy", "handgun"}),
    frozenset({"toy", "long gun"}),
    frozenset({"toy", "firearm"}),
    frozenset({"handgun", "long gun"}),
    frozenset({"knife", "handgun"}),
    frozenset({"knife", "long gun"}),
    frozenset({"knife", "firearm"}),
}
KILLED = {"kill", "slay", "die", "dead", "death", "murder"}
INJURED = {"injure", "wound", "hurt", "hospitalize", "hospitalise"}
# Words that negate without "not": a near-twin claim using one may say the same as a "not"
# sentence (claims.rules.negation_conflict).  Written for the example and the FNC-1 tune split.
NEGATING_WORDS = frozenset(
    {"instead", "rather", "longer", "without", "neither", "nor", "fail", "failed", "lack",
     "lacks", "refuse", "refused", "deny", "denied", "never", "no", "none", "nobody"}
)  # fmt: skip
