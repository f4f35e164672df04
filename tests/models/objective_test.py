import tensorflow as tf

from tfgan_info.models import objective


def constant_term(name, value, steps, trains=None):
  return objective.Term(name, lambda play: (tf.fill([play.batch], value), {name: value}),
                        steps, trains or {})


class ObjectiveTest(tf.test.TestCase):

  def test_terms_add_to_the_steps_they_enter(self):
    terms = [constant_term("a", 1.0, ("d", "g")), constant_term("b", 10.0, ("g",)),
             constant_term("c", 100.0, ("h",))]
    data = {"image": tf.zeros([3, 2, 2, 1])}
    for step, total, names in (("d", 1.0, {"base", "a"}), ("g", 11.0, {"base", "a", "b"}),
                               ("h", 100.0, {"base", "c"})):
      loss, report = objective.add_terms(tf.zeros([3]), {"base": 0.0}, terms,
                                         objective.Play(step, data))
      self.assertAllClose(loss, [total] * 3)
      self.assertEqual(set(report), names)

  def test_step_variables_are_the_players_then_the_terms_once_each(self):
    own = [tf.Variable(0.0, name="own")]
    q = [tf.Variable(1.0, name="q1"), tf.Variable(2.0, name="q2")]
    h = [tf.Variable(3.0, name="h")]
    terms = [constant_term("a", 1.0, ("d", "g"), {"d": lambda: q}),
             constant_term("b", 1.0, ("d",), {"d": lambda: q[1:] + own}),
             constant_term("c", 1.0, ("h",), {"h": lambda: h})]
    self.assertEqual([v.name for v in objective.step_variables(own, terms, "d")],
                     ["own:0", "q1:0", "q2:0"])
    self.assertEqual([v.name for v in objective.step_variables(own, terms, "g")], ["own:0"])
    self.assertEqual([v.name for v in objective.step_variables([], terms, "h")], ["h:0"])

  def test_a_term_enters_some_step(self):
    with self.assertRaisesRegex(ValueError, "Term 'a' enters no step"):
      objective.Term("a", lambda play: (None, {}), ())


if __name__ == "__main__":
  tf.test.main()
