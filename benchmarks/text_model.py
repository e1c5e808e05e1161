"""Text for generated records from a real vocabulary: a word-bigram model of real writing about the subject.

The model is trained on the five source documents (`../shared/seeds/`), the text of this repository's records
and papers (`content/`), and the abstracts of a criminologist's library (`../shared/corpora/bib/`), so
generated text has their words at their real frequencies and their word pairs; real sentences come out of
it in pieces, recombined. Quotations are cut from the source documents themselves, verbatim.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
SHARED = REPOSITORY.parent / "shared"
SENTENCE_END = re.compile(r"[.!?][\"'’”)]*$")
WORD = re.compile(r"^[\w'’-]+$")
ABSTRACT = re.compile(r"^\s*abstract = \{(.*)\},?\s*$", re.MULTILINE)
REFERENCE_LIST = re.compile(r"^References[ \t]*$", re.MULTILINE)
"""Where a source document's reference list starts (one has 84 references): text, but not prose."""
YAML_IDS = re.compile(r"^[ \t]*([\w-]+:[ \t]*\[.*\]|- [a-z0-9-]+|[\w-]+:[ \t]*[a-z0-9-]+)[ \t]*$", re.MULTILINE)
"""Lines of a record that hold ids or controlled values (``themes: [a, b]``, ``- a``, ``rating: low``), not prose."""
STOP_WORDS = frozenset(re.findall(r"\w+", "a an and as at by for from in into is it its of on or that the their this "
                                  "to was were with which who whose be been are not but than then so such"))
"""Words a title, a name or an id does not end on (and ids leave out)."""


def corpus_texts() -> list[str]:
    """The training texts: seeds, record and paper text, criminology abstracts."""
    texts = [prose(path) for path in sorted((SHARED / "seeds").glob("0*.txt"))]
    for path in sorted((REPOSITORY / "content").rglob("*")):
        if path.suffix in (".yaml", ".md"):
            text = YAML_IDS.sub("", path.read_text(encoding="utf-8"))
            texts.append(re.sub(r"^[ \t]*(#.*|(- )?[\w-]+:[ \t]*(>-)?)", "", text, flags=re.MULTILINE))
    library = SHARED / "corpora" / "bib" / "lanfear-criminology-zotero-bbt.bib"
    if library.exists():
        texts += [re.sub(r"[{}\\]", "", a) for a in ABSTRACT.findall(library.read_text(encoding="utf-8"))]
    return texts


def prose(path: Path) -> str:
    """A source document's text up to its reference list, if it has one."""
    text = path.read_text(encoding="utf-8")
    end = REFERENCE_LIST.search(text)
    return text[:end.start()] if end else text


def clean_tokens(text: str) -> list[str]:
    """Words with their punctuation, without markup, links or YAML syntax."""
    text = re.sub(r"\[\[[^\]]*\]\]|\[[-@][^\]]*\]|https?://\S+|[#*_`|<>{}\[\]]", " ", text)
    return [t for t in text.split() if "@" not in t and t not in ("-", "(", "&")]


class TextModel:
    """A bigram model over real text: ``text(n)`` gives n words in sentences, ``quote(n)`` a verbatim passage."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.next: dict[str, tuple[list[str], list[int]]] = {}
        pairs: dict[str, Counter[str]] = defaultdict(Counter)
        starts: Counter[str] = Counter()
        self.words: Counter[str] = Counter()
        for text in corpus_texts():
            tokens = clean_tokens(text)
            previous = "."
            for token in tokens:
                pairs[previous][token] += 1
                if SENTENCE_END.search(previous) and token[:1].isupper():
                    starts[token] += 1
                bare = token.strip(".,;:!?\"'’‘“”()").lower()
                if WORD.match(bare) and not bare.isdigit():
                    self.words[bare] += 1
                previous = token
        for word, followers in pairs.items():
            tokens, weights = zip(*followers.items(), strict=True)
            self.next[word] = (list(tokens), list(itertools.accumulate(weights)))
        self.starts = (list(starts), list(itertools.accumulate(starts.values())))
        self.vocabulary = (list(self.words), list(itertools.accumulate(self.words.values())))
        self.seeds = [clean_source(prose(path)) for path in sorted((SHARED / "seeds").glob("0*.txt"))]

    def _pick(self, table: tuple[list[str], list[int]]) -> str:
        tokens, cumulative = table
        return tokens[bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])]

    def text(self, words: int) -> str:
        """About ``words`` words of sentences (at least one), ending with a full stop."""
        out = [self._pick(self.starts)]
        while len(out) < max(1, words) or not SENTENCE_END.search(out[-1]):
            follower = self.next.get(out[-1])
            if follower is None or (len(out) > words + 12 and SENTENCE_END.search(out[-1]) is None):
                if len(out) >= words:
                    break
                out.append(self._pick(self.starts))
                continue
            out.append(self._pick(follower))
        sentence = " ".join(out).rstrip(",;:-–")
        if not SENTENCE_END.search(sentence):
            sentence += "."
        return sentence[0].upper() + sentence[1:]

    def phrase(self, words: int) -> str:
        """A short phrase (a title or name): ``words`` words, capitalised, no full stop."""
        tokens = [t.strip(".,;:!?\"'’‘“”()–-") for t in self.text(words + 2).split()[:max(1, words)]]
        while len(tokens) > 1 and (tokens[-1].lower() in STOP_WORDS or not tokens[-1]):
            tokens.pop()
        phrase = " ".join(t for t in tokens if t)
        return (phrase[0].upper() + phrase[1:]) if phrase else self.word().capitalize()

    def word(self) -> str:
        """One word, at its real frequency."""
        return self._pick(self.vocabulary)

    def keyword(self, words: int) -> str:
        """A keyword of ``words`` frequent-enough words (lower case)."""
        return " ".join(self.word() for _ in range(max(1, words)))[:60]

    def quote(self, words: int) -> str:
        """A verbatim passage of about ``words`` words from one source document."""
        source = self.rng.choice(self.seeds)
        tokens = source.split()
        start = self.rng.randrange(max(1, len(tokens) - words))
        return " ".join(tokens[start:start + max(3, words)])


def clean_source(text: str) -> str:
    """A source document's text with control characters removed (it is quoted, so nothing else changes)."""
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C")


def slug(text: str, words: int = 5) -> str:
    """A slug of the first ``words`` words of ``text``: lower-case ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    parts = [p for p in re.split(r"[^a-z0-9]+", ascii_text) if p and p not in STOP_WORDS and not p.isdigit()]
    return "-".join(parts[:words]) or "record"
