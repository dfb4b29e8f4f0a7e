"""A small English stop-word list shipped with empathic (no NLTK corpora, no spaCy model at run time).

Labels may contain stop words inside a phrase ("runs a bit small") but never start or end with one, and a
phrase made only of stop words is never a label.
"""

STOP_WORDS: frozenset[str] = frozenset(
    """
a about above after again against all almost also am an and any are aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't done down during
each either else even ever every few for from further get gets getting got had hadn't has hasn't have haven't
having he he'd he'll he's her here here's hers herself him himself his how how's however i i'd i'll i'm i've if in
into is isn't it it's its itself just let's like likely made make many may me might more most much must mustn't my
myself neither no nor not now of off on once one only or other ought our ours ourselves out over own per quite
rather really same shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs
them themselves then there there's these they they'd they'll they're they've this those though through thus to too
under until up upon us very via was wasn't we we'd we'll we're we've were weren't what what's when when's where
where's whether which while who who's whom whose why why's will with within without won't would wouldn't yet you
you'd you'll you're you've your yours yourself yourselves im ive id dont doesnt didnt cant wont isnt wasnt arent
youre thats theres its also etc ok okay oh yes yeah please thank thanks hi hello hey lol u ur re s t d ll m ve
still anyway anything something everything nothing someone anyone everyone way thing things lot lots bit
two three four five six seven eight nine ten first second third exactly completely totally absolutely definitely
don didn doesn isn wasn couldn wouldn shouldn haven hasn aren weren ain amp quot nbsp
although whilst unless whereas despite
""".split()  # noqa: SIM905
)

#: Words that may sit inside or at the end of a label phrase but never label a theme alone: generic verbs, praise
#: and filler that say nothing about *what* customers talk about ("brought", "seen", "love", "idea"), and the whole
#: of what the customer went through ("experience").
GENERIC_WORDS: frozenset[str] = frozenset(
    """
love loved loves like liked good great nice bad best better worse worst well fine perfect perfectly beautiful pretty
cute amazing awesome excellent happy glad sad fun wonderful gorgeous lovely super
buy bought brought purchase purchased order ordered orders get got came come comes go goes went going gone see saw
seen look looks looked looking think thought feel feels felt know knew want wanted need needed say said tell told
try tried trying put take took give gave find found use used keep kept make wear wearing wore worn run ran
idea piece item items product products problem problems issue issues person people time times day days today
review reviews star stars expected expect actually usually recommend recommended maybe sure little big
new old back around since already always never again ago going able enough right left thank hope
hoped hoping away along otherwise depending keeping hesitate typically normally honestly simply probably especially
certainly literally basically slightly pull pulled hid
agree work works negative positive reference overall instead wish true mention note
except flew flown slept sat tall seemed seems
experience experiences
""".split()  # noqa: SIM905
)

#: Light verbs: a phrase that opens with one and goes on with a stop word ("need to cancel", "tried to pay", "order a
#: new", "think my top") leans on its last word and is cut where the meaning gets interesting; its content words
#: make better labels ("cancel my transfer", "virtual card", "top up").
LIGHT_VERBS: frozenset[str] = frozenset(
    """
buy bought get got go goes went going come came see saw look looked think thought feel felt know knew want wanted
need needed say said tell told try tried trying put take took give gave find found use used keep kept make order
ordered help
""".split()  # noqa: SIM905
)

#: Adverbs that never end a label phrase: "service is always", "minutes ago" trail off where the point should be.
TRAILING_ADVERBS: frozenset[str] = frozenset(
    """always never again already ago enough today around away along since otherwise anyway anymore although though
    instead nearly far else overall""".split()  # noqa: SIM905
)

#: Words that say how a thing is, not what it is ("slow", "expensive", "crowded"): a label names an aspect, so it
#: never ends on one ("computer is slow", "portions are small" name the computer and the portions).
ATTRIBUTE_WORDS: frozenset[str] = frozenset(
    """
slow fast quick quickly cheap expensive pricey overpriced affordable reasonable big bigger small smaller large tiny
huge light heavy hot cold warm cool loud quiet noisy busy crowded empty clean dirty new old long short high low easy
hard simple difficult portable comfortable uncomfortable spacious cramped tight loose soft stiff thin thick bland
salty sweet sour spicy greasy oily dry fresh stale tender tough crispy soggy late early full bright dark sharp
clear smooth rough sturdy flimsy cheaply properly correctly reasonably usually always sometimes speedy prompt swift
fine ok okay decent adequate acceptable average mediocre
""".split()  # noqa: SIM905
)
#: Verbs that make a clause of a phrase: "service is fast", "food was usually" are sentences, not labels.
COPULAS: frozenset[str] = frozenset(
    "is was are were be been being am isn't wasn't aren't weren't seem seems seemed".split()  # noqa: SIM905
)
#: The only words a three-word label may have in its middle: "quality of food", "lost or stolen", "room for
#: improvement". "kong to london", "ale the attendant", "atmosphere the place" are cut from longer sentences.
LABEL_JOINERS: frozenset[str] = frozenset("of and or for in on with &".split())  # noqa: SIM905

#: Words that place a thing in the customer's story rather than name it ("earlier flight", "previous visit",
#: "whole flight", "overall experience"): a label never starts with one.
NARRATIVE_MODIFIERS: frozenset[str] = frozenset(
    """earlier later previous next last outbound inbound whole entire overall same different another recent
    original usual mid""".split()  # noqa: SIM905
)
#: Units of time and measure: as the first word of a phrase they make a duration or a size, not an aspect
#: ("hour flight", "time flying", "feet tall", "minute wait"). A label never starts with one.
MEASURE_WORDS: frozenset[str] = frozenset(
    """time times hour hours hr hrs minute minutes min mins second seconds day days week weeks month months year
    years night nights feet foot ft inch inches cm kg lb lbs""".split()  # noqa: SIM905
)
#: Particles and adverbs of direction or time that end verb phrases and stories, never aspects ("turned out",
#: "flight back", "sent home", "arrived later"): a label never ends on one.
LABEL_NEVER_ENDS: frozenset[str] = frozenset(
    "up down out off back home later earlier ahead away over in on".split()  # noqa: SIM905
)
#: The people who write the comments, as a class ("customers", "passengers"): they say whom, not what, so a label
#: never ends on one ("premium passengers", "customers"; "customer service" ends on what).
POPULATION_WORDS: frozenset[str] = frozenset(
    """customer customers passenger passengers traveller travellers traveler travelers user users client clients
    guest guests consumer consumers flyer flyers flier fliers""".split()  # noqa: SIM905
)
#: Irregular past forms: like a regular -ed form, one ending a phrase tells what happened ("flight left", "we
#: flew"), not what the customer talks about.
IRREGULAR_PAST: frozenset[str] = frozenset(
    """left went came took got flew gave made sat slept told said found felt kept ran saw thought brought bought
    began became spent sent ate drank drove wrote stood held heard met eaten taken given driven written forgotten
    chosen done gone flown seen been""".split()  # noqa: SIM905
)
#: Pronouns and quantifiers that the phrase rules let through but that name nothing alone ("nobody", "least").
NOT_ALONE: frozenset[str] = frozenset(
    """nobody none least most nothing anybody somebody everybody whatever whoever plenty several""".split()  # noqa: SIM905
)
