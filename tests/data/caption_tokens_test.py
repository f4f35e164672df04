"""Captions as word indices (data/caption_tokens.py), and the served checks."""

import tensorflow as tf

from tfgan_info.data import caption_text
from tfgan_info.data import caption_tokens

VOCABULARY = ["a", "digit", "leaning", "right", "seven", "t-shirt", "thick"]


class CaptionTokensTest(tf.test.TestCase):

  def test_standardize_is_the_twin_of_the_python_tokens(self):
    for text in ["A Thick SEVEN, leaning right!", "the t-shirt; dark", "  7  ",
                 "Café ÉTÉ naïve\u00a0x\vy", "tab\tnew\nline_1"]:
      words = tf.strings.split(caption_tokens.standardize(tf.constant([text]))).to_list()[0]
      self.assertEqual([w.decode() for w in words], caption_text.tokens(text))

  def test_tokens_index_the_vocabulary_and_pad(self):
    layer = caption_tokens.vectorizer(VOCABULARY, 5)
    out = caption_tokens.tokens(tf.constant(["A thick seven", "zebra T-shirt"]), layer)
    self.assertAllEqual(out, [[2, 8, 6, 0, 0], [1, 7, 0, 0, 0]])
    self.assertEqual(out.dtype, tf.int32)

  def test_served_checks(self):
    layer = caption_tokens.vectorizer(VOCABULARY, 4)

    def run(texts):
      return caption_tokens.checked_tokens("generate_from_text", tf.constant(texts), layer, 4)

    self.assertAllEqual(run(["a seven", "thick digit"]), [[2, 6, 0, 0], [8, 3, 0, 0]])
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                "(?s)must hold at least one word.*empty captions at.*1"):
      run(["a seven", " ,! "])
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                "(?s)at most 4 words; got.*a thick seven leaning right"):
      run(["a thick seven leaning right"])
    with self.assertRaisesRegex(tf.errors.InvalidArgumentError,
                                "(?s)outside the vocabulary.*unknown words:.*purple.*zebra"):
      run(["a purple seven", "zebra"])


if __name__ == "__main__":
  tf.test.main()
