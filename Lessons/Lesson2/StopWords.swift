// English stop words for the "top words per class" chart: words so frequent in every review
// that they say nothing about its sentiment. NLTK's list, in the tokens our Tokenizer produces
// ("'s", "'re" as tokens of their own), plus a few fillers common in reviews ("one", "get"),
// minus the negations "not", "no", "nor" and "n't": those carry sentiment.

let stopWords: Set<String> = [
    "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours",
    "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself",
    "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "what", "which",
    "who", "whom", "this", "that", "these", "those", "am", "is", "are", "was", "were", "be",
    "been", "being", "have", "has", "had", "having", "do", "does", "did", "doing", "a", "an",
    "the", "and", "but", "if", "or", "because", "as", "until", "while", "of", "at", "by", "for",
    "with", "about", "against", "between", "into", "through", "during", "before", "after",
    "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over", "under",
    "again", "further", "then", "once", "here", "there", "when", "where", "why", "how", "all",
    "any", "both", "each", "few", "more", "most", "other", "some", "such", "only", "own", "same",
    "so", "than", "too", "very", "can", "will", "just", "should", "now", "would", "could",
    "also", "one", "get", "see", "first", "two", "many",
    "'s", "'re", "'ve", "'ll", "'d", "'m", "ca", "wo",
]
