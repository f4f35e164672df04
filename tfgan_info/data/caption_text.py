"""Captions from facts measured on an image: the language of the embedded captioned sets.

A caption states an image's class and, for each attribute of its domain, one of three
levels (low, middle, high) binned from a value measured on the image's pixels:

- "digits" (MNIST): slant, stroke thickness and width, the ink moments of
  `metrics.stroke_factors` (slant > 0: the top leans right);
- "fashion" (Fashion-MNIST): brightness, the mean intensity of the item's pixels, and size,
  the share of the 28x28 frame the item covers (`measure`).

The levels are the tertiles of each class's values on the training split (`fit_bins`), so
"a thick one" is thick for a one. Each fact has several phrasings (an adjective before the
noun or a phrase after it, class synonyms, digits written as words or numerals, a middle
level stated or left out), drawn per caption from a generator seeded by (seed, split,
image index), so captions are deterministic, and a text encoder must learn the words rather
than a lookup table of whole sentences. ``"a thick seven leaning right"`` and
``"the digit 7, drawn with heavy strokes, slanted to the right and of normal width"`` state
the same facts.

`held_out` picks (class, attribute, level) combinations that the training split never
shows (its images with them are dropped): the compositional test of a text-conditional
generator asks for them.
"""

import dataclasses
import random
import re
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from tfgan_info.metrics import stroke_factors

LEVELS = 3  # low, middle, high
INK = 0.1   # a pixel of weight (x + 1) / 2 above this belongs to the item (fashion)
CAPTIONS_PER_IMAGE = 5
SEPARATOR = "\n"  # between the captions of one image in a dataset's "captions" string
SEED = 0  # the embedded sets' seed: of their phrasings and of their held-out combinations


@dataclasses.dataclass(frozen=True)
class Domain:
  """The vocabulary of one captioned domain.

  Attributes:
    name: "digits" or "fashion".
    attributes: the measured attributes, in the order of a facts row.
    class_words: per class, its nouns (synonyms).
    adjectives: per attribute, per level, adjectives placed before the noun ("" for none).
    phrases: per attribute, per level, phrases placed after the noun.
    openings: how a caption may start, before the determiner's noun phrase.
  """
  name: str
  attributes: Tuple[str, ...]
  class_words: Tuple[Tuple[str, ...], ...]
  adjectives: Tuple[Tuple[Tuple[str, ...], ...], ...]
  phrases: Tuple[Tuple[Tuple[str, ...], ...], ...]
  openings: Tuple[str, ...] = ("", "", "a picture of ", "an image of ")

  @property
  def num_classes(self) -> int:
    return len(self.class_words)


_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

DIGITS = Domain(
    name="digits",
    attributes=("slant", "thickness", "width"),
    class_words=tuple((w, f"digit {w}", f"{i}", f"number {w}", f"handwritten {w}")
                      for i, w in enumerate(_NUMBERS)),
    adjectives=(
        (("left-leaning", "left-slanted"), ("upright", "straight"),
         ("right-leaning", "right-slanted")),
        (("thin", "fine", "thin-stroked"), ("", "medium-stroked"),
         ("thick", "bold", "heavy")),
        (("narrow", "slim", "compressed"), ("", "regular-width"),
         ("wide", "broad", "stretched")),
    ),
    phrases=(
        (("leaning left", "slanted to the left", "tilted to the left"),
         ("standing upright", "without slant", "standing straight"),
         ("leaning right", "slanted to the right", "tilted to the right")),
        (("with thin strokes", "drawn with a fine pen", "in thin lines"),
         ("with medium strokes", "of ordinary thickness"),
         ("with thick strokes", "drawn with heavy strokes", "in bold lines")),
        (("narrow", "squeezed narrow", "of small width"),
         ("of normal width", "of usual width"),
         ("wide", "stretched wide", "of large width")),
    ),
)

FASHION = Domain(
    name="fashion",
    attributes=("brightness", "size"),
    class_words=(
        ("t-shirt", "top", "tee"), ("pair of trousers", "trousers", "pants"),
        ("pullover", "sweater", "jumper"), ("dress", "frock"), ("coat", "jacket"),
        ("sandal", "summer sandal"), ("shirt", "button shirt"), ("sneaker", "trainer"),
        ("bag", "handbag", "purse"), ("ankle boot", "boot")),
    adjectives=(
        (("dark", "dim", "shadowy"), ("", "mid-toned"), ("bright", "light", "pale")),
        (("small", "little", "compact"), ("", "medium-sized"), ("large", "big", "bulky")),
    ),
    phrases=(
        (("in dark tones", "of dark colour", "shown dark"),
         ("in middle tones", "of medium brightness"),
         ("in bright tones", "of light colour", "shown bright")),
        (("filling little of the frame", "of small size", "shown small"),
         ("of medium size", "filling half the frame"),
         ("filling the frame", "of large size", "shown large")),
    ),
)

DOMAINS = {"digits": DIGITS, "fashion": FASHION}


def domain(name: str) -> Domain:
  """The `Domain` called ``name``.

  Raises:
    ValueError: for an unknown name.
  """
  if name not in DOMAINS:
    raise ValueError(f"Unknown caption domain {name!r}: use one of {sorted(DOMAINS)}")
  return DOMAINS[name]


def measure(domain_name: str, images: np.ndarray) -> np.ndarray:
  """The attribute values of grey images.

  Args:
    domain_name: "digits" or "fashion".
    images: float [N, H, W] or [N, H, W, 1], pixels in [-1, 1] (ink or item high).

  Returns:
    float64 [N, A], A = len(domain.attributes) (NaN for an image without ink): digits'
    slant, thickness and width (`stroke_factors.image_factors`); fashion's brightness (mean
    weight (x + 1) / 2 of the pixels above INK) and size (their share of the frame).
  """
  d = domain(domain_name)
  if d is DIGITS:
    f = stroke_factors.image_factors(images)
    return np.stack([f[a] for a in d.attributes], axis=1)
  x = np.asarray(images, np.float64)
  x = x[..., 0] if x.ndim == 4 else x
  w = np.clip((x + 1.0) / 2.0, 0.0, 1.0).reshape(len(x), -1)
  item = w > INK
  count = item.sum(1)
  with np.errstate(invalid="ignore", divide="ignore"):
    brightness = np.where(count > 0, (w * item).sum(1) / count, np.nan)
  return np.stack([brightness, count / w.shape[1]], axis=1)


def fit_bins(values: np.ndarray, labels: np.ndarray, num_classes: int) -> np.ndarray:
  """Per class and attribute, the two tertile edges of the training values.

  Args:
    values: float [N, A] (`measure`), labels: int [N] in [0, num_classes).

  Returns:
    float64 [num_classes, A, 2]; a class without examples gets the edges of all classes.
  """
  values = np.asarray(values, np.float64)
  labels = np.asarray(labels).reshape(-1)
  everyone = np.nanquantile(values, [1 / 3, 2 / 3], axis=0).T
  edges = np.repeat(everyone[None], num_classes, axis=0)
  for k in range(num_classes):
    mine = values[labels == k]
    if len(mine):
      edges[k] = np.nanquantile(mine, [1 / 3, 2 / 3], axis=0).T
  return edges


def levels(values: np.ndarray, labels: np.ndarray, edges: np.ndarray) -> np.ndarray:
  """int32 [N, A] levels in {0, 1, 2} of values [N, A] under their class's edges
  (`fit_bins`); a NaN value is the middle level."""
  values = np.asarray(values, np.float64)
  e = edges[np.asarray(labels).reshape(-1)]  # [N, A, 2]
  out = (values > e[..., 0]).astype(np.int32) + (values > e[..., 1])
  return np.where(np.isnan(values), 1, out).astype(np.int32)


def held_out(domain_name: str, seed: int = 0) -> List[Tuple[int, int, int]]:
  """The (class, attribute, level) combinations the training split never shows: one per
  class, its attribute cycling with the class (class k: attribute k mod A) and its level low
  or high, drawn from ``seed``. Sorted."""
  d = domain(domain_name)
  rng = np.random.default_rng([seed, 7])
  return sorted((k, k % len(d.attributes), int(rng.choice([0, LEVELS - 1])))
                for k in range(d.num_classes))


def is_held_out(labels: np.ndarray, level_rows: np.ndarray,
                combos: Sequence[Tuple[int, int, int]]) -> np.ndarray:
  """bool [N]: whether example i (class labels[i], levels level_rows[i]) has one of the
  held-out ``combos``."""
  labels = np.asarray(labels).reshape(-1)
  level_rows = np.asarray(level_rows)
  out = np.zeros(len(labels), bool)
  for k, a, v in combos:
    out |= (labels == k) & (level_rows[:, a] == v)
  return out


def _article(word: str) -> str:
  """ "an" before a vowel sound ("an eight", "an 8", "an ankle boot"; "a one"), else "a"."""
  return "an" if word[:1] in ("a", "e", "i", "8") else "a"


def caption(domain_name: str, label: int, level_row: Sequence[int],
            rng: random.Random) -> str:
  """One caption stating class ``label`` and the attribute levels ``level_row`` [A],
  phrased by draws from ``rng`` (module docstring).

  Each attribute becomes an adjective before the noun or a phrase after it; a middle level
  is left out half of the time (an adjective "" leaves it out too). The phrases after the
  noun come in a random order, joined by commas and a final "and".
  """
  d = domain(domain_name)
  adjectives, phrases = [], []
  for a, level in enumerate(level_row):
    if level == 1 and rng.random() < 0.5:
      continue
    if rng.random() < 0.5:
      word = rng.choice(d.adjectives[a][level])
      if word:
        adjectives.append(word)
    else:
      phrases.append(rng.choice(d.phrases[a][level]))
  noun = rng.choice(d.class_words[label])
  opening = rng.choice(d.openings)
  head = " ".join(adjectives + [noun])
  determiner = rng.choices(("a", "the", ""), weights=(5, 3, 2))[0]
  if determiner == "a":
    determiner = _article(head)
  text = opening + (f"{determiner} {head}" if determiner else head)
  rng.shuffle(phrases)
  if len(phrases) == 1:
    text += " " + phrases[0]
  elif phrases:
    text += ", " + ", ".join(phrases[:-1]) + " and " + phrases[-1]
  return text


def captions(domain_name: str, labels: np.ndarray, level_rows: np.ndarray, seed: int,
             split: str, per_image: int = CAPTIONS_PER_IMAGE,
             indices: Optional[Sequence[int]] = None) -> List[str]:
  """For each example i, ``per_image`` captions of its facts, joined by SEPARATOR.

  Example i's captions are drawn from a `random.Random` seeded by the string
  "<seed>/<split>/<indices[i]>" (its index in the split; default i): the same arguments give
  the same captions, whatever the order or subset they are made in, on every platform.
  """
  labels = np.asarray(labels).reshape(-1)
  indices = np.arange(len(labels)) if indices is None else np.asarray(indices)
  out = []
  for index, label, row in zip(indices.tolist(), labels.tolist(),
                               np.asarray(level_rows).tolist()):
    rng = random.Random(f"{seed}/{split}/{index}")
    out.append(SEPARATOR.join(caption(domain_name, label, row, rng)
                              for _ in range(per_image)))
  return out


def requests(domain_name: str, per_combination: int, seed: int = 0) -> Dict[str, object]:
  """Evaluation requests: every (class, levels) combination of the domain, each asked
  ``per_combination`` times in captions drawn from ``seed`` (split "requests").

  Returns:
    {"labels": int [N], "levels": int32 [N, A], "captions": [N] str (one caption each),
    "held_out": bool [N] (the request has a held-out combination, `held_out` of SEED),
    "groups": int [N] (the index of its combination), "held_out_pairs": bool [K, A] (the
    (class, attribute) pairs with a held-out level)}, N = K * 3^A * per_combination.
  """
  d = domain(domain_name)
  grid = np.stack(np.meshgrid(*[np.arange(LEVELS)] * len(d.attributes), indexing="ij"),
                  -1).reshape(-1, len(d.attributes))
  combos = [(k, row) for k in range(d.num_classes) for row in grid]
  labels = np.repeat([k for k, _ in combos], per_combination)
  level_rows = np.repeat(np.stack([row for _, row in combos]), per_combination, axis=0)
  texts = captions(domain_name, labels, level_rows, seed, "requests", per_image=1)
  held = held_out(domain_name, SEED)
  pairs = np.zeros((d.num_classes, len(d.attributes)), bool)
  for k, a, _ in held:
    pairs[k, a] = True
  return {"labels": labels, "levels": level_rows.astype(np.int32), "captions": texts,
          "held_out": is_held_out(labels, level_rows, held),
          "groups": np.repeat(np.arange(len(combos)), per_combination),
          "held_out_pairs": pairs}


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# What `tokens` keeps: ASCII letters, digits, '_', '-' and ASCII white space (as RE2's \s).
KEPT = r"[^0-9A-Za-z_ \t\n\r\f-]"


def tokens(text: str) -> List[str]:
  """The words of a caption as the text encoder's vectorizer splits them
  (`caption_tokens.standardize`): ASCII letters lower-cased, every character but ASCII
  letters, digits, '_', '-' and white space replaced by a space (so "café" gives "caf", as in
  the graph), split on white space."""
  return re.sub(KEPT, " ", text.translate(_ASCII_LOWER)).split()


def vocabulary(domain_name: str) -> List[str]:
  """Every word a caption of the domain can hold, sorted."""
  d = domain(domain_name)
  texts = [w for words in d.class_words for w in words]
  texts += [p for groups in (d.adjectives, d.phrases) for attr in groups for lv in attr
            for p in lv]
  texts += list(d.openings) + ["a an the and"]
  return sorted({t for text in texts for t in tokens(text)})


def facts_of(domain_name: str, label: int, level_row: Sequence[int]) -> Dict[str, object]:
  """{"class": the class's first noun, attribute: "low"/"middle"/"high", ...} (for
  records and grids)."""
  d = domain(domain_name)
  names = ("low", "middle", "high")
  return {"class": d.class_words[label][0],
          **{a: names[int(v)] for a, v in zip(d.attributes, level_row)}}
