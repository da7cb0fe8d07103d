// About 200 sentiment-bearing words for the GloVe picture (section 6): about 100 that reviewers use
// to praise and 100 to condemn, all lowercase single tokens as GloVe 6B stores them. Chosen by
// hand from common review vocabulary; words whose sense depends heavily on context ("funny",
// "sad", "scary" praise one genre and condemn another) are left out.

let positiveWords = [
    "good", "great", "excellent", "wonderful", "brilliant", "superb", "outstanding", "amazing",
    "awesome", "fantastic", "terrific", "marvelous", "magnificent", "splendid", "fine", "nice",
    "lovely", "beautiful", "gorgeous", "stunning", "charming", "delightful", "enjoyable",
    "entertaining", "engaging", "captivating", "compelling", "gripping", "moving", "touching",
    "heartwarming", "inspiring", "uplifting", "powerful", "impressive", "remarkable",
    "memorable", "masterpiece", "masterful", "classic", "perfect", "flawless", "best", "better",
    "favorite", "love", "loved", "loves", "like", "liked", "enjoy", "enjoyed", "recommend",
    "recommended", "praise", "admire", "admired", "appreciate", "fun", "clever", "smart",
    "witty", "intelligent", "thoughtful", "original", "fresh", "creative", "inventive",
    "refreshing", "sincere", "honest", "genuine", "rich", "solid", "strong", "effective",
    "satisfying", "rewarding", "worthwhile", "pleasant", "pleasure", "joy", "happy", "glad",
    "exciting", "thrilling", "hilarious", "superior", "elegant", "graceful", "sublime",
    "beloved", "acclaimed", "triumph", "success", "successful", "wins", "gem", "treasure",
    "highlight",
]

let negativeWords = [
    "bad", "terrible", "awful", "horrible", "dreadful", "atrocious", "abysmal", "appalling",
    "pathetic", "poor", "worse", "worst", "lousy", "crappy", "crap", "garbage", "trash",
    "rubbish", "junk", "mess", "disaster", "failure", "fails", "failed", "flop", "boring",
    "dull", "tedious", "bland", "tiresome", "slow", "uninteresting", "forgettable", "mediocre",
    "lame", "weak", "stupid", "dumb", "silly", "idiotic", "ridiculous", "absurd", "pointless",
    "senseless", "nonsense", "incoherent", "confusing", "clumsy", "sloppy", "amateurish",
    "shoddy", "cheap", "cheesy", "predictable", "cliched", "unoriginal", "derivative",
    "formulaic", "shallow", "hollow", "wooden", "stiff", "annoying", "irritating", "obnoxious",
    "offensive", "disgusting", "ugly", "painful", "unbearable", "unwatchable", "waste",
    "wasted", "hate", "hated", "dislike", "disliked", "regret", "disappointing",
    "disappointed", "disappointment", "overrated", "overlong", "pretentious", "inept",
    "incompetent", "laughable", "embarrassing", "insulting", "worthless", "useless", "sucks",
    "horrid", "hideous", "miserable", "unpleasant", "angry", "unfunny", "fake", "flawed",
]
