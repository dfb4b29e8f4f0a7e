"""High-precision patterns for the empathy map and intent: the explicit cues a reader would point at.

Rules decide when a cue is present ("my friend said" → hears, "I returned it" → says & does, "I'm cancelling" →
churn); when none fires, the few-shot prototypes in ``data/*.csv`` decide (see :mod:`empathic.feelings.empathy`
and :mod:`empathic.feelings.intent`). Patterns are compiled once and run over lower-cased text.

:func:`search_many` tests one pattern against a whole batch: with polars installed it runs the pattern in Rust's
regex engine over an Arrow string column (≈ 20× faster than one ``re.search`` per text; same matches on the
126k clothing-review units, see the tests), otherwise with ``re``. Texts with a line break keep ``re`` (its ``$``
also matches before a final newline).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

_PEOPLE = (
    r"(?:my|a|our|the)\s+(?:\w+\s+)?(?:friend|friends|wife|husband|mom|mother|dad|father|sister|brother|daughter|"
    r"son|boyfriend|girlfriend|partner|coworker|co-worker|colleague|colleagues|family|kids|neighbou?r|boss)"
    r"|(?:sales\s*(?:person|associate|lady|girl|clerk)|the\s+(?:agent|rep|representative|staff|stylist|clerk|"
    r"pilot|captain|crew|gate agent|attendant|flight attendant))"
    r"|(?:everyone|everybody|people|someone|others|other (?:reviewers|customers|passengers)|reviewers|reviews|"
    r"the reviews|previous reviewers|another reviewer|a reviewer|he|she|they)"
)

HEARS = re.compile(
    rf"\b(?:{_PEOPLE})\s+(?:\w+\s+)?(?:said|say|says|told|tell|tells|mentioned|mention|recommended|suggested|"
    r"warned|noted|commented|complain(?:ed|s)?|raved|asked|announced|informed|explained|claimed|promised)\b"
    r"|\b(?:i|we)\s+(?:\w+\s+)?(?:heard|read|was told|were told|got told|have heard|'ve heard|had heard)\b"
    r"|\baccording to\b|\bword of mouth\b|\b(?:got|get|received|receive|getting)\s+(?:\w+\s+){0,2}compliments?\b"
    r"|\bcompliments?\s+(?:from|on it|every)\b|\bpeople (?:keep |always )?(?:ask|stop)\w*\b"
    r"|\b(?:i was|we were) (?:informed|advised|promised|assured)\b|\bthe announcement\b"
    r"|\bcompliments?\b|\b(?:other|previous|another|many|most|several) (?:\w+ )?reviewers?\b"
    r"|\breviewers? (?:said|say)\b"
    r"|\bhearing\b|\b(?:was|were|been|being|got) told\b|^\W*(?:\w+\W+)?told\b|\byou said\b|^\W*said\b"
    r"|\b(?:written|reported) in the (?:news|newspapers?|press|media)\b|\bword (?:is|has it)\b"
)

SAYS_DOES = re.compile(
    r"\b(?:i|we)\s+(?:\w+\s+)?(?:returned|return|am returning|'m returning|will return|will be returning|"
    r"sent (?:it|them|this)? ?back|send (?:it|them)? ?back|exchanged|ordered|order|bought|buy|purchased|"
    r"tried|try|wore|wear|washed|wash|cancel+ed|cancel|called|call|phoned|emailed|contacted|complained|"
    r"asked|told|tweeted|wrote|paid|pay|waited|booked|book|flew|fly|switched|sized|kept|keep|took|take|"
    r"got|picked|paired|ended up|had to|have to|went|go|checked|check|rebooked|filed|reported|posted|"
    r"recommend(?:ed)?|gave|give|spent|spend|used|use|put|stood|sat|landed|arrived|travel+ed|chose|"
    r"decided|plan to|planning to|am going to|'m going to|will definitely|will never|won't|"
    r"would not|will not|cannot wait|can't wait|usually wear|normally wear|typically wear)\b"
    r"|\b(?:i|i'm|i am)\s+(?:a\s+)?(?:size|petite|\d)"
    r"|\b(?:returning|returned|sending (?:it|this) back|going back|exchanging)\b"
    r"|\b(?:bought|ordered|purchased) (?:this|it|these|them|the|a|in|one|two)\b"
)

THINKS_FEELS = re.compile(
    r"\b(?:i|we)\s+(?:\w+\s+)?(?:think|thought|feel|felt|believe|guess|suppose|love|loved|like|liked|hate|"
    r"hated|wish|hope|hoped|worry|worried|fear|expect|expected|was hoping|am hoping|doubt|wonder|adore|"
    r"prefer|regret|can't believe|cannot believe|don't understand)\b"
    r"|\b(?:disappoint\w*|frustrat\w*|annoy\w*|upset|angry|furious|sad|happy|thrilled|excited|delighted|"
    r"worried|nervous|anxious|scared|afraid|confus\w*|surprised|shocked|impressed|grateful|thankful|"
    r"relieved|glad|pleased|unhappy|embarrass\w*|ashamed|love|hate|fantastic|wonderful|gorgeous|beautiful|"
    r"amazing|awesome|terrible|horrible|awful|perfect|cute|lovely|stunning|great|worst|best|disgust\w*|"
    r"ridiculous|unacceptable|pathetic|obsessed|favou?rite|worth|good|nice|bad|poor|lousy|excellent|friendly|"
    r"unfriendly|professional|unprofessional|rude|helpful|unhelpful|comfortable|uncomfortable|comfy|flattering|"
    r"unflattering|fabulous|elegant|beautifully|pretty|adorable|gorgeous|superb|outstanding|brilliant|dreadful|"
    r"disgrace\w*|shameful|appalling|mediocre|average|pleasant|unpleasant|fun|boring|cheap|overpriced|pricey|"
    r"quality|disaster|nightmare|mess|joke|fail)\b"
    r"|\b(?:in my opinion|imo|to me|for me|personally|honestly|unfortunately|sadly|hopefully|luckily)\b"
)

SEES = re.compile(
    r"\b(?:other|another|competing)\s+(?:stores?|shops?|brands?|airlines?|carriers?|retailers?|sites?|banks?|"
    r"companies|apps?|websites?)\b|\bcompetitors?\b|\belsewhere\b|\b(?:in|on) the (?:picture|photo|pic|"
    r"image|model|website|site|app|screen|display)\b|\bthe model\b|\b(?:looks?|looked|appears?|seems?)\b"
    r"|\bthere (?:is|are|was|were)\b|\bi (?:saw|see|noticed|notice|observed|found|spotted)\b"
    r"|\bruns? (?:\w+ ){0,3}(?:big|small|large|true|long|short|narrow|wide|tight|loose)\b|\btrue to size\b"
    r"|\b(?:delayed|cancel+ed|late|on time|early|departed|arrived|boarding|landed)\b"
)

#: Advice, requests and subject-less actions ("size down", "wore it all day", "refund my ticket").
SAYS_DOES_IMPLICIT = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(?:just\s+)?(?:get|wear|wore|wearing|dress|size|opt|see|try|tried|trying|buy|bought|"
    r"order|ordered|pick|layer|ask|asked|follow|call|called|refund|give|check|send|sent|flew|flown|flying|went|"
    r"booked|returned|returning|waiting|waited|need|needed|help|please|thanks|thank)\b"
    r"|\byou (?:must|can|should|have to|will need|need to|could|might want)\b|\b(?:for (?:fit )?reference)\b"
)

#: A first-person statement with no other cue ("I'm 5'4", "we had showed up early") is something they say/do.
FIRST_PERSON = re.compile(r"^\W*(?:\w+\W+){0,2}(?:i|we|i'm|im|i've|we're|we've|my|our)\b")

CHURN = re.compile(
    r"\b(?:cancel+(?:ed|ing)?|close|closing|closed)\s+(?:my|our|the)\s+(?:account|subscription|membership|"
    r"card|plan|contract|service|loyalty)\b"
    r"|\b(?:switch(?:ed|ing)?|mov(?:e|ed|ing)|go(?:ing)?|went)\s+(?:over\s+|back\s+)?to\s+(?:a\s+)?(?:another|"
    r"a different|different|other|competitor|[A-Z]?\w+air\w*|delta|united|american|southwest|jetblue|virgin|"
    r"emirates|lufthansa|klm|ryanair|easyjet|nordstrom|anthro\w*|amazon)\b"
    r"|\b(?:never|won't|will not|wont|not going to|no longer|refuse to)\s+(?:\w+\s+)?(?:fly|flying|buy|buying|"
    r"order|ordering|shop|shopping|use|using|book|booking|be back|return|come back|recommend|purchase|"
    r"choose|trust|travel|travelling|traveling|stay|staying|bank|banking|visit|dine|eat)\b"
    r"(?:.*\b(?:again|anymore|any more|ever)\b)?"
    r"|\b(?:last|final) time (?:that )?(?:i|we)\b|\btaking (?:my|our) (?:business|money)\b|\bdone with\b"
    r"|\bnever again\b|\bswitch(?:ed|ing)? (?:over )?to\b|\b(?:not|never) (?:be )?(?:going|coming) (?:\w+ ){0,4}again\b"
    r"|\b(?:unsubscrib\w*|leaving for|lost a (?:loyal )?customer|lost me as a customer|goodbye)\b"
    r"|\b(?:lost|losing|lose) (?:my|our) (?:custom|business|loyalty)\b"
    r"|\b(?:would not|wouldn'?t|would never) (?:\w+ ){0,2}(?:fly|flying|travel|book|use|buy|choose|shop|bank|stay)\b"
    r".*\b(?:again|anymore|any more|in (?:the )?future|by choice)\b"
    r"|\b(?:will|i'll|we'll|going to|gonna|shall) (?:\w+ )?(?:avoid (?:them|ba|this|flying|using|booking|buying)|"
    r"look elsewhere|go elsewhere|think twice|choose another|pick another|try another|use another|book with another|"
    r"fly with another|take (?:my|our) (?:business|money) elsewhere)\b"
    r"|\b(?:look|looking|go|going|shop|shopping|business goes|money goes) elsewhere\b"
    r"|\bthink twice (?:before|about) (?:flying|booking|buying|using|ordering|choosing|shopping|travell?ing)\b"
    r"|\b(?:next time|in future|in the future|from now on)\b[^.]{0,40}\b(?:another|other|different) "
    r"(?:airline|carrier|bank|store|shop|brand|company|provider|app|hotel)s?\b"
    r"|\bbother (?:to )?(?:fly|flying|use|using|buy|buying|shop|shopping|book|booking|order|ordering|come back|stay|"
    r"staying) (?:\w+ ){0,3}again\b|\b(?:not|never|won'?t be) (?:\w+ )?coming back\b"
    r"|\bcancel+(?:ed|ing)? (?:all )?(?:\w+ ){0,3}(?:flights|bookings|orders|trips|reservations) with\b"
    r"|\b(?:i|we)(?:'m| am| are|'re)? (?:cancel+ing|leaving|switching|quitting|done)\b"
)

QUESTION = re.compile(
    r"\?\s*$|\?\s+\S|^(?:how|what|where|when|why|which|who|can|could|would|will|is|are|does|do|did|should|"
    r"may|has|have|any)\b[^.!]*\?|\b(?:does anyone know|anyone know|i wonder|wondering if|any idea|can someone|"
    r"can you (?:tell|help|let)|please (?:advise|let me know|help)|how (?:do|can|long|much) i)\b"
)

#: Wants something new or changed (intent ``request``; it replaced ``suggestion``): "should add", "please add",
#: "wish it had", "I miss the X feature", "would make it five stars", "it would be great if", imperative proposals
#: ("Add support for …", "Allow users to …"). Written from the labelling guide (docs/labelling-guide.md) and our own
#: labelled sentences, never from the SemEval-2019 suggestion set (evaluation only).
REQUEST = re.compile(
    r"\b(?:should|shoulda|ought to)\s+(?:\w+\s+)?(?:have|be|make|add|offer|consider|include|come|bring|"
    r"provide|use|give|fix|improve|change|update|allow|let|stock|carry|design|hire|train|listen|support|enable|"
    r"integrate|implement|remove|put|create|introduce|extend|expand|open|reduce|lower|increase|sell|show|send)\b"
    r"|\b(?:i|we)?\s*(?:really\s+|just\s+|so\s+)?wish\s+(?:it|they|there|you|the|this|that|these|their|your|"
    r"i could|we could|i had|we had|someone)\b|^\W*(?:really\s+)?wish\b"
    r"|\b(?:would|could|'d|will|might) (?:be|have been) (?:so |really |very |a lot |much )?(?:nice|great|better|good|"
    r"helpful|lovely|ideal|perfect|awesome|useful|handy|cool|convenient|amazing|fantastic|wonderful|brilliant|"
    r"excellent|a (?:great|good|nice|huge|big) (?:\w+ )?(?:improvement|help|addition|plus|feature|idea))\b"
    r"|\b(?:i|we)(?:'d| would) (?:really |so |just |also )?(?:love|like|prefer|appreciate) (?:to see|to have|it if|if|"
    r"them to|you to|a |an |more|some|the option|the ability|to be able|being able|support|better|it to)"
    r"|\bplease (?:\w+ )?(?:add|make|bring|offer|consider|stock|fix|improve|change|update|allow|let us|let me|"
    r"provide|do|give|carry|start|stop|have|include|support|enable|implement|create|put|restore|return|extend|"
    r"expand|reduce|remove|introduce|integrate)\b"
    r"|\b(?:suggest|suggestion|suggestions|recommendation for|feature request|idea:|my idea|an idea)\b"
    r"|\bif only\b|\bbring (?:it |them |this |that )?back\b|\bbring (?:the |their |your |its )?(?:\w+ ){0,3}back\b"
    r"|\b(?:needs?|need) (?:to be|more|better|"
    r"to have|to offer|to add|to fix|to improve|some|to support|to allow|to let|an? (?:\w+ )?(?:option|way|setting|"
    r"feature|button|mode|version|update|filter|search|fix))\b"
    r"|\b(?:hope|hoping) (?:they|you|the company|retailer|it will|it comes|they'll|you'll|to see|for)\b"
    r"|\bwhy not\b|\bit would help\b"
    r"|\bcould (?:really |definitely |seriously |certainly )?(?:use|do with) "
    r"(?:a|an|some|more|better|new|fresh|another|extra)\b"
    r"|\b(?:make|offer|add|provide|sell) (?:it|this|them|these)? ?(?:in|with) (?:more|other|another|"
    r"different|petite|plus|a)\b|\bwould (?:buy|use|pay|give|rate) (?:\w+ ){0,3}(?:if|once|when)\b"
    r"|\b(?:i|we) (?:really |still |do |truly |sorely |so )?miss (?:the |having |being able |its |their |your |"
    r"my |our |a |an )?(?:\w+ ){0,3}?(?:features?|options?|integration|support|functions?|functionality|ability|"
    r"settings?|mode|button|widget|version|layout|design|menu|view|shortcut|sync|tab)\b"
    r"|\bmiss(?:ing)? (?:having|being able to)\b"
    r"|\black(?:s|ing)? (?:of )?(?:\w+ ){0,3}?(?:features?|options?|integration|support|functionality)\b"
    r"|\bwould (?:make|give) (?:it|this|the \w+|them|me|my) (?:\w+ ){0,2}?(?:five|5|four|4|ten|10|perfect)\b"
    r"|\b(?:five|5|four|4) stars? (?:if|once|when)\b|\bwould be (?:five|5|a 5|a five|perfect|a 10) (?:stars? )?if\b"
    r"|\b(?:want|wanted|need|needed) (?:to be able to|an option|a way|the ability|the option|support for)\b"
    r"|\b(?:add(?:ing)?|allow(?:ing)?|support(?:ing)?|offer(?:ing)?) (?:support for|an option|a feature|the ability|"
    r"a way|the option|an? (?:\w+ )?mode|more options)\b"
    r"|\bno (?:option|way|setting|ability) to\b|\b(?:there )?(?:is|'s) no (?:\w+ )?(?:option|setting) (?:to|for)\b"
    r"|\b(?:can|could|would) you (?:please |pls |guys |kindly )?(?:add|make|bring|offer|consider|include|allow|let|"
    r"provide|support|enable|implement|create|put|introduce|integrate|extend|expand)\b"
    r"|^\W*(?:(?:and|also|so|but|just|maybe|perhaps|pls|plz)\W+)?(?:add|allow|enable|let|provide|include|support|"
    r"implement|introduce|integrate|offer|expose|consider|create|bring|give (?:us|users|me|developers|people|an? "
    r"option)|make (?:it|the|a|an|them|this|sure (?:the|you|there|it)))\b"
    r"|\b(?:waiting|wait|waited) for (?:the |a |an )?(?:\w+ ){0,2}(?:feature|update|support|option|integration)\b"
    r"|\binstead of (?:\w+ ){0,3}(?:please|you should|why not|could you)\b"
    # proposals with no "please": noun-phrase feature requests, needs and "X could/must <do>" (labelling guide)
    r"|^\W*(?:(?:and|also|so|but|just|maybe|perhaps)\W+)?(?:the |an? )?(?:ability|option|possibility|support|"
    r"setting|more control|better support|permission|api) (?:to|for|over)\b|^\W*(?:a|an|some) way to\b"
    r"|^\W*(?:(?:and|also|so|but|just|maybe|perhaps)\W+)?(?:open up|expose|publish|unlock|show|display|let|simplify|"
    r"speed up|remember|sort|notify|warn|extend|improve|fix|update|change|rename|remove|reduce|increase|lower)\s"
    r"(?:the |a |an |us |users |developers |apps |me |it |this |more |all |our |my |some )"
    r"|\b(?:please|pls|plz|kindly) (?:\w+ )?(?:expose|open|show|display|publish|unlock|list|sort|send|notify|warn|"
    r"let|reconsider|rethink|simplify|speed|enable|allow|add|include|bring|provide|make|offer|support|give)\b"
    r"|\bneeds (?:a|an) (?:\w+ ){0,2}(?:option|way|setting|feature|button|mode|version|update|fix|overhaul|refurb\w*|"
    r"upgrade|makeover|rethink|redesign|control|api|filter|search|sdk|tool)\b|\bneeds (?:better|proper|decent) "
    r"|\b(?:is|are) (?:badly |sorely |urgently |desperately )needed\b|\b(?:badly|sorely|desperately|urgently) needs?"
    r"|\bwould (?:really |greatly |also |definitely )?benefit\b|\bwould (?:really |greatly )help\b"
    r"|\bwould (?:make|be) (?:\w+ ){0,2}easier\b"
    r"|\b(?:important|essential|crucial|vital|necessary) (?:that (?:we|users|you|apps|developers|customers|i) "
    r"(?:can|could|be able)|for (?:us|users|developers|apps|customers) to (?:be able|have|get))\b"
    r"|\b(?:i|we)(?:'d| would) (?:really |so )?(?:love|like|prefer) (?:it|this|them|these|one|that) in\b"
    r"|\b(?:can|could) (?:we|you) (?:please )?(?:get|have) (?:a|an|the|some|more) (?:\w+ ){0,2}(?:way|option|"
    r"feature|setting|button|api|version|mode|ability|support|control)\b"
    r"|\b(?:it|they|you|app|store|site|website|dashboard|airline|company|sdk|api|platform|service|system|software|"
    r"page|portal|emulator|tool) (?:could|might) (?:also |easily |maybe |perhaps |simply )?(?:show|offer|include|add|"
    r"provide|support|allow|display|list|remember|send|notify|be extended|be improved|be changed)\b"
    r"|\b(?:really|still|sorely|so|badly) missing (?:the |a |an |my |our |its |their )?(?:\w+ ){0,3}?(?:features?|"
    r"options?|integration|support|functions?|functionality|ability|settings?|mode|button|widget|version|sync)\b"
    r"|\b(?:useless|pointless|unusable|worthless) without\b|\bwould save (?:\w+ ){0,2}(?:time|money|hassle|effort)\b"
    r"|\b(?:should|ought to) (?:also |really |just )?(?:sync|work with|connect|integrate|show|display|remember|"
    r"notify|accept|explain|respond|reply|answer)\b"
    r"|\b(?:store|app|site|website|api|sdk|platform|service|they|it|this|you) (?:really )?(?:must|has to|have to) "
    r"(?:\w+ )?(?:add|show|allow|include|offer|provide|let|fix|improve|change|open|expose)\b"
)
#: More ways customers ask for a change (labelling guide, "Requests and their look-alikes"): a third party told what
#: it needs to do ("BA needs to refurbish the lounges", "they need to hire more staff"), "it's time they …",
#: "my only suggestion would be …", "please take note / copy this", missing something that was there ("I do miss
#: the hot breakfast"), a passive proposal ("free water could be provided"), "X could make one in petite",
#: "unless they add …", "they need a bigger lounge". Rust's regex has no look-around: what these must not match
#: is in :data:`REQUEST_NOT`.
REQUEST_MORE = re.compile(
    r"\b(?:needs?|need) (?:to )?(?:seriously |urgently |really |also |desperately |"
    r"definitely |just |quickly |at least )?(?:add|remove|maintain|replace|upgrade|rethink|review|invest|hire|"
    r"retrain|re-train|restore|reinstate|roll|revamp|sort out|address|look at|look into|look around|learn from|"
    r"take a look|listen|reconsider|start|"
    r"stop|hold|lower|reduce|increase|extend|expand|introduce|bring|learn|step up|up (?:their|its|your) game|raise|"
    r"train|provide|communicate|clean|refurbish|modernise|modernize|update|change|improve|fix|offer|put|match|"
    r"invest|overhaul|redesign|rebuild|renovate|refresh|reinvent|consider|employ|staff|open|reopen|make sure)\b"
    r"|\bneeds? (?:a |an )?(?:good |complete |total |major |serious |proper |real )?(?:refurb\w*|renovation|overhaul|"
    r"upgrade|upgrading|updating|update|makeover|refresh|rethink|redesign|modernis\w*|moderniz\w*|revamp\w*|"
    r"replacing|replacement|improving|improvement|investment|re-?think)\b"
    r"|\b(?:they|you|ba|it|this|that|we) (?:\w+ )?need (?:a|an) (?:\w+ )?(?:bigger|better|larger|new|second|"
    r"proper|dedicated|separate|extra|additional)\b|\bin need of (?:an? )?(?:\w+ ){0,2}(?:update|upgrade|refurb\w*|"
    r"renovation|overhaul|makeover|refresh|redesign|clean|replacement|investment|improvement)\b"
    r"|\bit'?s (?:high |about |past )?time (?:for|that|they|you|to rethink|to invest|to upgrade)\b"
    r"|\b(?:recommendation|suggestion|request|wish)(?: to \w+)? (?:would be|is|:)"
    r"|\b(?:please |should |must |needs? to |to )take note\b|\bplease (?:copy|note|listen|learn|follow suit)\b"
    r"|\b(?:i|we) (?:do |really |still |so |truly |sorely |definitely |greatly |also )?miss (?:the|their|its|your|"
    r"having|being able)\b"
    r"|\b(?:could|might|should|ought to) (?:easily |surely |also |simply |at least |just )?be (?:provided|offered|"
    r"added|made available|included|installed|introduced|improved|upgraded|extended|expanded|supplied|automated|"
    r"automatic|simplified|reinstated|restored|brought back|replaced|updated|refurbished|renovated)\b"
    r"|\b(?:retailer|brand|designer|they|you|airline|company|manufacturer|maker|store|shop|bank|app|ba) (?:could|"
    r"should|might) (?:also |easily |maybe |perhaps |just |surely |simply )?(?:make|sell|stock|carry|produce|"
    r"bring out|release|do (?:a|an|one|it|this|them|more))\b"
    r"|\bwould (?:have )?(?:much |rather |really )?prefer(?:red)? (?:a|an|the|some|more|less|fewer) (?:\w+ ){0,3}"
    r"(?:to have|to be|as an?|instead|option|with)\b"
    r"|^\W*(?:more|less|fewer|better|bigger|smaller|longer|shorter|cheaper|faster|bring back)\b[^.!?]{0,60}\bplease\b"
    r"|\bwould make (?:it|this|the \w+|them|things|life|travel|the experience|flying) (?:so |much |a lot |far )?"
    r"(?:better|easier|nicer|more (?:comfortable|pleasant|enjoyable|convenient))\b"
    r"|\bwhy (?:don'?t|doesn'?t|can'?t|won'?t) (?:they|you|ba|it|the \w+) (?:just )?(?:offer|add|have|make|let|allow|"
    r"provide|bring|give|use|include|put|introduce|serve|stock|sell|open)\b"
    r"|\bmust (?:\w+ )?(?:improve|invest|change|upgrade|update|modernise|modernize|refurbish|rethink|reconsider|"
    r"address|retrain|hire|bring back|reinstate|restore|replace|provide|offer)\b"
    r"|\bunless (?:they|you|it|the \w+|ba) (?:\w+ )?(?:add|offer|improve|fix|change|bring|provide|lower|reduce|"
    r"make|start|stop|upgrade|update|introduce)\b"
    r"|\bwhy not (?:just )?(?:add|have|offer|make|let|allow|provide|bring|give|use|include|put|introduce)\b"
    r"|\b(?:hope|hoping) (?:that )?(?:they|you|the \w+|ba|management|someone) (?:\w+ )?(?:will |would |can |could )?"
    r"(?:add|fix|improve|change|bring|look|listen|take|read|offer|make|consider|reinstate|restore|update|upgrade)\b"
)
#: Request-shaped words that are a judgement, not a proposal (labelling guide): moral "should" ("they should be
#: ashamed", "should be sacked", "should know better", "must go") is a complaint; "should be the brand ambassador",
#: "should be commended" is praise; advice to other shoppers ("everyone should own one", "a must-have"), a
#: rhetorical "why should we …", "should we …?" asking, "would be great on a taller woman", "could be better"
#: (a complaint without a proposal) and the customer's own task ("I need to update my address") propose nothing to
#: the company. Units they fire on are re-tested for a request with these phrases taken out.
REQUEST_NOT = re.compile(
    r"\b(?:should|ought to|must|need to|needs to|deserve to)"
    r"(?: really| all| surely| definitely| seriously| be made to)?"
    r" (?:be|feel|get|have been) (?:\w+ )?(?:ashamed|embarrassed|sacked|fired|disciplined|punished|jailed|"
    r"prosecuted|arrested|locked up|shot|struck off|banned|shamed|investigated|sued|cited|reported|"
    r"held (?:accountable|responsible)|"
    r"in (?:jail|prison)|sorry|disgusted|appalled|mortified|humiliated|horrified|red-faced|fined|reprimanded)\b"
    r"|\b(?:should|must|ought to) (?:\w+ )?be (?:forced|made) to (?:endure|fly|sit|eat|experience|use|sample|try|"
    r"suffer|live|pay)\b|\bshould be avoided\b|\bshould(?:n'?t| not) (?:have to|need to|be expected to)\b"
    r"|\b(?:i|we) (?:should|must) (?:also |just )?(?:add|mention|say|note|point out|admit|stress|warn)\b"
    r"|\b(?:suggest|recommend|advise)(?:ed)? (?:to )?(?:anyone|everyone|others|other (?:passengers|travell?ers|flyers|"
    r"customers|shoppers)|people)\b"
    r"|\b(?:suggest|recommend|advise)(?:ed)? (?:sizing|going|ordering|getting|buying|a size|one size|to size|you size|"
    r"you go|you order)\b|(?:n'?t|\bnot|\bno|\bnever) (?:\w+ )?need to\b|\bwhy not\s*[?!.]*\s*$"
    r"|\bwould (?:\w+ )?(?:buy|use|fly|book|choose|pick|select|order) (?:\w+ ){0,3}again\b"
    r"|^\W*let alone\b|^\W*add to (?:this|that|it|which|all)\b|\binsult to injury\b"
    r"|\b(?:suggest|recommend|advise)(?:ed)? (?:that )?you (?:\w+ )?(?:fly|book|choose|go|use|try|travel|look|shop|"
    r"take|stay|pick) (?:with )?(?:another|other|a different|elsewhere|someone else)\b|\bdo yourself a favou?r\b"
    r"|\bhop(?:e|ing) (?:that )?(?:they|you|he|she|it) (?:\w+ )?\w+ed\b|\bhop(?:e|ing) for the best\b"
    r"|\bwish (?:there (?:was|were)|i had|we had) (?:an? |some )?(?:\w+ )?(?:alternative|choice|other option)s?\b"
    r"|\bwish (?:i|we)(?:'d| had| would have) (?:\w+ed|known|gone|flown|chosen|taken|bought|read|been|done|never|not|"
    r"seen|spent|paid|stayed|stuck|kept|left|sent|flew|went|chose)\b"
    r"|\b(?:all|what|best|everything) (?:that )?(?:they|you|we|he|she|staff|crew) could (?:\w+ )?(?:offer|provide|do|"
    r"give|suggest)\b|\bno way to (?:get|go|leave|reach|contact|speak|talk|know|tell|sleep|move|stretch|sit|avoid|"
    r"escape|find|stand|see|hear)\b"
    r"|^\W*support (?:only|team|staff|agents?|is|was|were|are|never|doesn'?t|didn'?t|said|told|replied|answers?|"
    r"responded|says)\b"
    r"|\byou (?:\w+ )?need to be (?:very |extremely |really |quite |a )?(?:athletic|tall|short|flexible|agile|thin|"
    r"slim|small|careful|prepared|patient|lucky|quick|early|fit|contortionist|acrobat|gymnast|rich|psychic)\b"
    r"|\bplease (?:make|find|consider|choose|book|look for|use) (?:other|another|alternative|different) "
    r"(?:arrangements|airlines?|carriers?|options?|banks?|shops?|stores?|hotels?|companies)\b"
    r"|\bshould be (?:a (?:pleasure|joy|treat|delight|given)|more than (?:that|this)"
    r"|treated (?:like|this way|so|in such))"
    r"|\bshould (?:\w+ )?(?:know|have known) better\b|\bshould (?:\w+ )?hang (?:their|his|her|your) heads?\b"
    r"|\b(?:should|must|needs? to|ought to) (?:\w+ )?(?:go|resign|step down|quit|retire|be gone)(?: now| immediately|"
    r" today)?(?:[.!,;]|$)"
    r"|\bshould(?:n'?t| not) be (?:a thing|tolerated|happening|legal|in charge|running)\b"
    r"|\bshould (?:\w+ )?be (?:the|a|an) (?:\w+ ){0,2}(?:ambassador|example|role model|model|standard|benchmark|"
    r"template|blueprint|norm)\b|\bshould be (?:\w+ )?(?:commended|praised|congratulated|proud|rewarded|recognised|"
    r"recognized|promoted|thanked|applauded|given (?:a |an )?(?:raise|pay rise|medal|bonus|award|promotion))\b"
    r"|\b(?:everyone|everybody|every woman|anyone|you all|y'all|all women)(?: \w+)? (?:should|must|needs? to|has to) "
    r"(?:have|get|buy|own|try|order|grab|snag)\b|\bmust[- ]have\b"
    r"|\bwhy should (?:we|i|they|anyone|you|he|she|it)\b|^\W*should (?:we|i)\b[^.!]*\?"
    r"|\bwould (?:be|look) (?:so |really |very )?(?:great|nice|perfect|good|lovely|cute|fine|better) (?:on|for) "
    r"(?:a|an|any|someone|people|those|anyone|women|petites?|tall|short|curvy|athletic|larger|smaller|me|her|you|"
    r"summer|winter|fall|spring|work|weddings?|parties|the office|everyday)\b"
    r"|\bcould be (?:a lot |much |far |way |a little |a bit )?better(?: [a-z]+)?[.!]*$"
    r"|\b(?:that|which|what|whatever) (?:could|might|should) be (?:provided|offered|added|made available|included|"
    r"supplied|served|given)\b"
    r"|\b(?:do|does|did|will|would) (?:\w+ ){0,3}need to\b|\bjust need to add\b"
    r"|\b(?:i|we|i'll|we'll|i'd|we'd) (?:\w+ )?need to (?:update|change|cancel|make|get|send|transfer|know|find|order|"
    r"return|verify|activate|add|remove|replace|start|stop|open|put|look|learn|consider|provide|offer|bring|clean|"
    r"reduce|increase|check|fix|sort out|take)\b"
)
#: Uses of request words that propose nothing: regrets ("we should have booked"), hypothetical past ratings
#: ("would have given five stars"), asking how ("I would like to know how"). A unit they fire on is a request only
#: when an explicit cue fires too (:data:`REQUEST_EXPLICIT`).
REQUEST_VETO = re.compile(
    r"\b(?:should|could|would)(?:n'?t| not)? (?:have|'ve) (?:been|\w+ed|gone|known|taken|chosen|bought|done|seen|"
    r"given|got|gotten|flown|sent|left|paid|kept|read|worn|stayed)\b"
    r"|\b(?:i|we)(?:'d| would) (?:like|love) to know\b|\bthis should (?:work|be fixed|be ok|be fine) now\b"
)
REQUEST_EXPLICIT = re.compile(r"\b(?:please|pls|plz|kindly|wish|suggest\w*|feature request|add|bring back)\b")

#: A concrete failure (intent ``bug``): something does not work as it should — crash, error, freeze, failed payment,
#: wrong or missing item, an order that never arrived, charged twice, a flight delayed or cancelled.
BUG = re.compile(
    r"\b(?:crash\w*|error\w*|bugs?|buggy|glitch\w*|freez\w*|froze|frozen|lag+(?:s|ing|gy)?|"
    r"(?:does ?n[o']?t|did ?n[o']?t|won'?t|will not|would ?n'?t|wo ?nt|cannot|can'?t|could ?n'?t|unable to|"
    r"not able to|fails? to|failed to|failing to|keeps? failing to) (?:\w+ )?(?:work|load|open|start|connect|sync|"
    r"log ?in|sign ?in|login|update|install|download|upload|save|send|play|charge|scan|pay|print|go through|"
    r"arrive|boot|respond|process|refund|verify|find my|track|turn on|function)\w*|not (?:working|loading|"
    r"responding|syncing|arrived|received|delivered|refunded|charging|connecting|showing up)|stopped "
    r"(?:working|loading|syncing|responding)|(?:is|was|are|were|got|arrived|came) (?:\w+ )?(?:broken|broke|"
    r"damaged|defective|faulty|ripped|torn|stained|missing|cracked|dead|wrong)|broke|broken|defect\w*|faulty|"
    r"malfunction\w*|fail(?:ed|s|ing|ure|ures)|never (?:arrived|received|got|came|showed|delivered|refunded|processed)|"
    r"(?:still|yet to|have ?n[o']?t|has ?n[o']?t|not yet|never) (?:\w+ ){0,2}(?:received|arrived|delivered|"
    r"refunded|credited|shipped|processed)|charged (?:me )?(?:twice|double|two times|again|wrong)|double charged|"
    r"overcharged|declined|keeps? (?:crashing|closing|freezing|logging|signing|kicking|restarting|rebooting|"
    r"dropping|disconnecting|deleting|resetting)|logged me out|lost (?:my|our|the) (?:bag|bags|luggage|suitcase|"
    r"package|parcel|order|data|files?|photos?|messages?|progress|account|booking|reservation)|"
    r"(?:delayed|cancell?ed)(?: (?:again|flight|for|by|my|our|the|\d))?|missed (?:my|our|the) (?:connection|"
    r"flight)|stuck (?:on|at|in)|wrong (?:item|size|order|colou?r|product|amount|charge)|hole in|holes|ripped|"
    r"came apart|fell apart|outage|still waiting|on hold|(?:was|were|got|been|is|are) (?:\w+ )?lost|leak(?:s|ing|ed)?|"
    r"(?:would|could|does|did|will|is|was) ?n[o']?t (?:\w+ ){0,2}(?:recline|respond|turn on|close|lock|accept|"
    r"recogni[sz]e|show up|make it|go through)|never (?:loads?|works?|opens?|came|answered|called)|does nothing|"
    r"keeps? (?:dropping|failing|crashing|freezing|timing out)|kept (?:dropping|failing|crashing|freezing|"
    r"timing out|logging)|expired|drains?|wiped|deleted my|(?:is|was|went|are|been) down\b|404|timed? ?out|"
    r"blank (?:screen|page)|(?:returns?|returned|throws?|threw|gives?|gave) (?:null|nothing|an? (?:error|exception|"
    r"blank|empty|wrong)|the wrong)"
    r"|(?:shows?|showing|showed|displays?|sent|received|got|gave|charged|delivered|booked) (?:me |us )?(?:the |a |an )?"
    r"wrong|wrong (?:balance|fee|price|address|name|date|time|seat|bag|ticket|information|info|total|bill|invoice)"
    r"|(?:screen|case|glass|phone|tray|window|lid|bottle|sole|heel|it|was|is|got|arrived|came) cracked|shattered"
    r"|(?:buttons?|heels?|soles?|toe|paint|handles?|straps?|zip|zipper|wheels?|pieces?|parts?|beads?|hooks?|"
    r"sequins?|elastic|seams?|lining) (?:\w+ )?(?:came off|fell off|came loose|snapped|peeled off|came undone)"
    r"|(?:got|was|been|is|are|were|keeps? getting) (?:\w+ )?(?:locked out|suspended|hacked)"
    r"|(?:account|card) (?:\w+ )?(?:locked|blocked|frozen)"
    r"|someone else'?s (?:order|parcel|package|bag|luggage|booking|item)|never (?:happened|came through|turned up)"
    r"|hung up on (?:me|us|him|her)|double[- ]?(?:booked|billed|charged)"
    r"|charged (?:me |us )?(?:for|a) (?:\w+ ){0,4}(?:i|we) (?:never|did ?n'?t)|(?:fee|charge)s? (?:that )?(?:i|we) "
    r"never (?:agreed|authori[sz]ed|ordered|asked)"
    r"|took (?:them |us |me )?(?:\w+ ){0,2}(?:weeks?|months?|days) to (?:process|arrive|deliver|refund|respond|reply|"
    r"answer|fix|ship)"
    r"|(?:left|departed|departing|arrived|arriving|landed|took off|taking off|leaving|boarding (?:started|began)|"
    r"pushed back) (?:\w+ ){0,4}?late|(?:hours?|hrs?|minutes?|mins) late|late (?:departure|arrival|take ?off)"
    r"|(?:a|the) delay of|delay(?:s|ed)? (?:of )?(?:over |about |nearly |almost |more than )?\d"
    r"|(?:\d+|an?|one|two|three|four|five|six) (?:hours?|hrs?|minutes?|mins)(?:'|s)? delay"
    r"|did ?n[o']?t (?:take off|leave|depart|board|arrive|land) until"
    r"|lost (?:my|our|the|his|her|their) (?:\w+ )?(?:baggage|bags?|luggage|suitcases?|case)"
    r"|wait\w* (?:\w+ ){0,4}for (?:my |our |the )?(?:bags?|luggage|baggage|refund|reply|response|callback|call back)"
    r"|waited (?:over|more than|nearly|almost) (?:an? |\d+ |one |two |three )"
    r"(?:hours?|hrs?|minutes?|mins|days?|weeks?)"
    # money that moved without the customer, things that are not there or not working (labelling guide: bug)
    r"|(?:suspicious|unauthori[sz]ed|fraudulent|unknown|strange|random|unrecogni[sz]ed|duplicate) (?:\w+ )?"
    r"(?:transactions?|withdrawals?|withdraws?|charges?|payments?|transfers?|debits?)"
    r"|without (?:me|my) (?:knowing|knowledge|permission|consent|authori[sz]ation)"
    r"|(?:can'?t|cannot|don'?t|do not|couldn'?t|could not) (?:\w+ )?see (?:it|them|my (?:\w+ ){0,2}(?:transfer|payment|"
    r"refund|deposit|money|funds|top-?up|order|booking|transaction)s?)(?: \w+)?(?: in (?:my|the) (?:account|app|"
    r"balance|statement))?"
    r"|(?:is|are|was|were)n'?t (?:working|loading|arriving|showing|going through|accepted|connecting|syncing)"
    r"|isnt (?:working|loading)|inoperable|out of order|non-?functional|not functioning"
    r"|(?:not|n'?t|never) (?:\w+ )?let(?:ting)? me (?:log|sign|pay|enable|access|use|transfer|withdraw|book|check|"
    r"change|add|open|see|order|in)"
    r"|(?:check-?in|security|boarding|baggage|luggage|departure|arrival|immigration|passport control|take-?off) delays?"
    r"|wrong (?:rate|exchange rate|currency|amount|conversion)"
    r"|no record of (?:my|our|the) (?:booking|reservation|order|payment|seat|meal|request|transfer)"
    r"|(?:got|was|were|been|being) (?:\w+ )?(?:bumped|offloaded|off-loaded|downgraded|denied boarding|diverted)"
    r"|denied boarding|involuntar\w* downgrad\w*"
    r"|taking (?:too long|forever|ages|weeks|months) to (?:arrive|process|deliver|refund|come|ship|clear)"
    r"|(?:dropped|took|sent|put|left|booked) (?:\w+ ){0,2}(?:at|to|in|on) the wrong (?:hotel|gate|terminal|airport|"
    r"address|flight|room|place|stop|station)|wrong (?:hotel|gate|terminal|airport|room|flight|destination))\b"
)
#: Negated failures ("nothing was missing", "never had an issue"): a unit they fire on is a bug only when another,
#: un-negated failure cue fires as well (checked on the text with the negated phrase removed).
BUG_VETO = re.compile(
    r"\b(?:nothing|none) (?:was|were|is|are|came) (?:\w+ )?(?:missing|broken|wrong|damaged|lost)\b"
    r"|\bnever (?:had|have|experienced) (?:an?|any) (?:\w+ )?(?:issues?|problems?|glitch\w*|errors?|delays?|crash\w*)\b"
    r"|\bno (?:issues?|problems?|errors?|crash\w*|delays?|glitch\w*)\b|\bcrash (?:reports?|logs?|dumps?)\b"
    r"|\b(?:i|we) (?:\w+ )?cancel+ed\b|^\W*cancel+ed (?:all|my|our)\b"
)

#: Complaint words in a resolved or negated sense ("fixed the issue", "never had a problem", "not bad").
COMPLAINT_VETO = re.compile(
    r"\b(?:fixed|solved|resolved|sorted|handled|dealt with) (?:\w+ )?(?:issues?|problems?)\b"
    r"|\b(?:no|never had an?|never had any|without an?|without any) (?:\w+ )?(?:issues?|problems?|complaints?)\b"
    r"|\bnothing (?:was |is )?(?:missing|broken|wrong|damaged)\b|\bnot bad\b|\bno complaints\b"
)

COMPLAINT = re.compile(
    r"\b(?:broke|broken|ripped|torn|hole|holes|stain\w*|defect\w*|damaged|faulty|doesn'?t work|didn'?t work|"
    r"not working|stopped working|delayed|delay|late|cancelled|canceled|lost|missing|never arrived|"
    r"still waiting|on hold|no response|overcharged|charged twice|rude|unhelpful|waste|scam|"
    r"problem|issue|complain\w*|itchy|see-through|see through|unraveled|pilled|pilling|shrunk|shrank|"
    r"fell apart|poor quality|cheaply made|cheap looking|runs? (?:small|large|big)|too (?:small|big|large|"
    r"short|long|tight|loose|wide|boxy|sheer|thin|expensive|pricey|slow|complicated)|doesn'?t fit|didn'?t fit|"
    r"not as pictured|nothing like|overpriced|unfair|condescending|dismissive|cramped|uncomfortable|"
    r"rip-?off|ripped off|hidden fees?|not worth)\b"
)


def matches(pattern: re.Pattern[str], lowered: list[str]) -> list[bool]:
    """Whether ``pattern`` occurs in each lower-cased text."""
    return search_many(pattern, lowered).tolist()


@lru_cache(maxsize=1)
def _polars():
    try:
        import polars
    except ImportError:  # optional: the ``re`` path gives the same answers, slower
        return None
    return polars


def _rust_pattern(pattern: re.Pattern[str]) -> str:
    return ("(?i)" if pattern.flags & re.IGNORECASE else "") + pattern.pattern


class TextColumn:
    """A batch of texts prepared once for many :func:`search_many` calls.

    Holds the texts, their polars Series (when polars is installed) and which texts have a line break (those
    keep ``re``, whose ``$`` also matches before a final newline).
    """

    def __init__(self, texts: Sequence[str | None]) -> None:
        pl = _polars()
        self.values = [t or "" for t in texts]
        self.series = None
        if pl is not None:
            try:
                self.series = pl.Series(values=self.values, dtype=pl.String)
            except UnicodeEncodeError:  # lone surrogates are not UTF-8: ``re`` takes the batch
                self.series = None
        self.breaks = [i for i, t in enumerate(self.values) if "\n" in t]

    def __len__(self) -> int:
        return len(self.values)


def column(texts: Sequence[str | None]) -> TextColumn:
    """The texts prepared once for many :func:`search_many` calls."""
    return TextColumn(texts)


def lowered_column(texts: Sequence[str | None]) -> TextColumn:
    """The lower-cased texts (None as ""), prepared once for the rules."""
    return TextColumn([(t or "").lower() for t in texts])


def first_match(ordered: Sequence[tuple[str, re.Pattern[str]]], lowered: TextColumn) -> tuple[np.ndarray, np.ndarray]:
    """(object (n,) name of the first rule that fires per text, None when none does; bool (n,) whether one fired).

    Every rule runs over the whole batch once; earlier rules win.
    """
    out = np.full(len(lowered), None, dtype=object)
    decided = np.zeros(len(lowered), dtype=bool)
    for name, pattern in ordered:
        hits = search_many(pattern, lowered) & ~decided
        out[hits] = name
        decided |= hits
    return out, decided


def search_many(pattern: re.Pattern[str], texts: Sequence[str | None] | TextColumn) -> np.ndarray:
    """bool (n,): whether ``pattern`` occurs in each text (a sequence of str, or a :class:`TextColumn`).

    Only ``re.IGNORECASE`` is carried over to the Rust engine; the rules use no other flag.
    """
    col = texts if isinstance(texts, TextColumn) else None
    if col is None and (_polars() is None or len(texts) < 64):
        search = pattern.search
        return np.fromiter((search(t or "") is not None for t in texts), dtype=bool, count=len(texts))
    col = col or TextColumn(texts)
    search = pattern.search
    if col.series is None:
        return np.fromiter((search(t) is not None for t in col.values), dtype=bool, count=len(col))
    out = col.series.str.contains(_rust_pattern(pattern)).fill_null(False).to_numpy().astype(bool)
    for i in col.breaks:
        out[i] = search(col.values[i]) is not None
    return out


#: Service-failure vocabulary: a unit that reports one of these is a problem report, negative unless clearly positive
#: ("my flight was delayed 3 hours" carries no sentiment word but every reader files it as a complaint).
PROBLEM_REPORT = re.compile(
    r"\b(?:delay\w*|late|cancel+(?:ed|ation|ations)|lost|missing|stuck|stranded|still waiting|waiting for|"
    r"waited|on hold|no (?:response|reply|answer|help)|missed (?:my|our|the) (?:connection|flight)|"
    r"still (?:no|not|haven'?t|hasn'?t)|never (?:received|arrived|got|came|showed)|hung up|overbooked|"
    r"charged (?:twice|me|us|again)|not working|doesn'?t work|didn'?t work|can'?t get through|"
    r"no one|nobody)\b"
)
