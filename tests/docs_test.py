"""What the code and docs say about themselves (docs/design.md, "Conventions").

- No history in the code: the package, configs, tools and setup.py say what a thing is and
  why, and cite docs by topic; an issue number, a working session or a calendar date there
  is a note about when something changed, which belongs in CHANGELOG.md.
- Docs that cannot rot: every command in a ```bash block of README.md and docs/ is parsed
  from the Markdown, so editing a command in the docs changes what is tested (the README's
  commands and one block per docs page also run: tests/docs_commands_test.py). Each
  ``python3 -m tfgan_info.<entry>`` or ``python3 tools/<tool>.py`` names an entry point that
  exists, each flag it passes is one that entry point defines, and each file of the tree it
  names (configs/..., tools/..., docs/...) exists; every relative link and image of the
  Markdown resolves, anchors included.
- Results as data: each records table of README.md and docs/ (between ``<!-- records: NAME``
  and ``<!-- /records -->``), and each headline (between ``<!-- headline: NAME`` and
  ``<!-- /headline -->``), is what `records.render_blocks` makes of docs/records/NAME/, so a
  table and its records cannot disagree (``python3 -m tfgan_info.reproduce --tables``
  regenerates them).
"""

import ast
import glob
import os
import re
import shlex

from absl import flags
import tensorflow as tf

from tests import testutil
from tfgan_info import records

# An issue number, a working session (TensorFlow's v1 ``Session`` is an API name), an ISO date.
HISTORY = re.compile(r"\b[Ii]ssues? #?\d+|(?<!v1\.)\b[Ss]essions?\b|\b20\d\d-\d\d-\d\d\b")
CODE_ROOTS = ("tfgan_info", "configs", "tools", "setup.py")
CODE_SUFFIXES = (".py", ".cfg", ".toml", ".txt", ".json")


def code_files():
  """Every source and config file of the package, its configs and tools, and setup.py."""
  out = []
  for root in CODE_ROOTS:
    path = os.path.join(testutil.ROOT, root)
    if os.path.isfile(path):
      out.append(path)
      continue
    for d, _, files in os.walk(path):
      out.extend(os.path.join(d, f) for f in files if f.endswith(CODE_SUFFIXES))
  return sorted(out)


def history_lines(paths):
  """["path:line: text"] of each line that matches HISTORY."""
  out = []
  for path in paths:
    with open(path, encoding="utf-8") as f:
      for number, line in enumerate(f, 1):
        if HISTORY.search(line):
          out.append(f"{os.path.relpath(path, testutil.ROOT)}:{number}: {line.strip()}")
  return out


DOCS = ("README.md", "BUILD.md", "CHANGELOG.md", "docs/*.md")
COMMAND_DOCS = ("README.md", "docs/*.md")
# Flags absl defines for every entry point.
ABSL_FLAGS = {"flagfile", "undefok", "help", "helpfull", "helpshort", "helpxml", "verbosity",
              "v", "logtostderr", "alsologtostderr", "log_dir", "stderrthreshold",
              "only_check_args", "pdb", "pdb_post_mortem", "run_with_pdb", "use_cprofile"}
TREE_PATH = re.compile(r"^(configs|tools|docs|tests|tfgan_info)/[\w./-]*[\w/]$")


def markdown_files(patterns=DOCS):
  """The Markdown files the patterns name, relative to the repository root."""
  out = []
  for pattern in patterns:
    out.extend(sorted(glob.glob(os.path.join(testutil.ROOT, pattern))))
  return [os.path.relpath(p, testutil.ROOT) for p in out]


def bash_commands(text: str):
  """[command] of a Markdown text's ```bash blocks, each a list of words as the shell splits
  them: continuation lines joined, comments and shell prompts dropped, a line split into
  commands at ``&&``, ``||``, ``;``, ``|`` and ``&``."""
  out = []
  for block in re.findall(r"^```(?:bash|sh|shell)\n(.*?)^```", text, re.S | re.M):
    # A comment line ends at its newline, a trailing backslash included.
    block = "".join(line for line in block.splitlines(True) if not line.lstrip().startswith("#"))
    for line in re.sub(r"\\\n\s*", " ", block).splitlines():
      line = line.strip()
      if line.startswith("$ "):
        line = line[2:]
      lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
      lexer.whitespace_split = True
      command = []
      for word in lexer:
        if word in ("&&", "||", ";", "|", "&"):
          out.append(command)
          command = []
        else:
          command.append(word)
      out.append(command)
  return [c for c in out if c]


def entry_point(words):
  """(kind, name, arguments) of a command: ("module", "tfgan_info.train", [...]),
  ("tool", "benchmark", [...]), or None for any other program."""
  while words and re.match(r"^\w+=", words[0]):  # VAR=value prefixes
    words = words[1:]
  if not words or words[0] not in ("python", "python3"):
    return None
  if len(words) > 2 and words[1] == "-m" and words[2].startswith("tfgan_info"):
    return "module", words[2], words[3:]
  if len(words) > 1 and words[1].startswith("tools/") and words[1].endswith(".py"):
    return "tool", words[1], words[2:]
  return None


def defined_names(path: str):
  """Flag names a Python file defines with ``flags.DEFINE_*("name", ...)``, and whether it
  also defines the training flags (``<train module>.define_flags()``)."""
  with open(path) as f:
    tree = ast.parse(f.read(), path)
  names, train = set(), False
  for node in ast.walk(tree):
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
      continue
    if node.func.attr.startswith("DEFINE") and node.args and isinstance(node.args[0],
                                                                          ast.Constant):
      names.add(node.args[0].value)
    if (node.func.attr == "define_flags" and isinstance(node.func.value, ast.Name) and
        node.func.value.id.startswith("train")):
      train = True
  return names, train


_TRAIN_FLAGS = []


def train_flags():
  """The flag names of ``python3 -m tfgan_info.train``."""
  if not _TRAIN_FLAGS:
    from tfgan_info import train  # pylint: disable=g-import-not-at-top
    values = flags.FlagValues()
    train.define_flags(values)
    _TRAIN_FLAGS.extend(values)
  return set(_TRAIN_FLAGS)


def entry_flags(kind: str, name: str):
  """The flags an entry point accepts, or None where it does not exist."""
  if kind == "module":
    if name == "tfgan_info.train":
      return train_flags() | ABSL_FLAGS
    path = os.path.join(testutil.ROOT, *name.split(".")) + ".py"
  else:
    path = os.path.join(testutil.ROOT, name)
  if not os.path.isfile(path):
    return None
  names, train = defined_names(path)
  return names | ABSL_FLAGS | (train_flags() if train else set())


def command_problems(words):
  """What is wrong with one documented command, given as its words:
  ["tools/y.py has no flag --x", ...]."""
  if isinstance(words, str):
    words = shlex.split(words)
  problems = []
  for word in words:
    value = word.split("=", 1)[1] if word.startswith("--") and "=" in word else word
    for path in value.split(","):
      if TREE_PATH.match(path) and not os.path.exists(os.path.join(testutil.ROOT, path)):
        problems.append(f"names {path}, which is not in the tree")
  entry = entry_point(words)
  if entry is None:
    return problems
  kind, name, arguments = entry
  known = entry_flags(kind, name)
  if known is None:
    return problems + [f"{name} does not exist"]
  for word in arguments:
    if not word.startswith("--"):
      continue
    flag = word[2:].split("=", 1)[0]
    if flag in known or (flag.startswith("no") and flag[2:] in known):
      continue
    problems.append(f"{name} has no flag --{flag}")
  return problems


def github_anchor(heading: str) -> str:
  """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to '-'."""
  text = re.sub(r"[`*]", "", heading.strip().lower())
  text = re.sub(r"[^\w\- ]", "", text)
  return text.replace(" ", "-")


def anchors(path: str):
  """The anchors of a Markdown file's headings (repeated headings get -1, -2, ...)."""
  seen, out = {}, set()
  with open(path, encoding="utf-8") as f:
    text = re.sub(r"^```.*?^```", "", f.read(), flags=re.S | re.M)
  for heading in re.findall(r"^#{1,6} (.+)$", text, re.M):
    anchor = github_anchor(heading)
    n = seen.get(anchor, 0)
    seen[anchor] = n + 1
    out.add(anchor if n == 0 else f"{anchor}-{n}")
  return out


def link_problems(doc: str):
  """Relative links and images of a Markdown file that do not resolve (file or anchor)."""
  path = os.path.join(testutil.ROOT, doc)
  with open(path, encoding="utf-8") as f:
    text = re.sub(r"^```.*?^```", "", f.read(), flags=re.S | re.M)
  targets = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r"<img src=\"([^\"]+)\"", text)
  problems = []
  for target in targets:
    if re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
      continue
    file_part, _, anchor = target.partition("#")
    linked = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part \
        else path
    if not os.path.exists(linked):
      problems.append(f"{doc}: {target}: no such file")
    elif anchor and linked.endswith(".md") and anchor not in anchors(linked):
      problems.append(f"{doc}: {target}: no such heading")
  return problems


class HistoryTest(tf.test.TestCase):

  def test_pattern_finds_history_and_spares_api_names(self):
    for text in ("BUILD.md \"Issue 17\"", "(issue 18)", "this file before 2026-12-02",
                 "a session script", "the fourth Session of the day"):
      self.assertRegex(text, HISTORY)
    for text in ("tf.compat.v1.Session feeds it", "def pytest_sessionfinish():",
                 "docs/results.md#infogan-on-mnist", "a 2026-step run", "tissue 3"):
      self.assertNotRegex(text, HISTORY)

  def test_code_configs_and_tools_carry_no_history(self):
    files = code_files()
    self.assertGreater(len(files), 50)
    self.assertIn(os.path.join(testutil.ROOT, "configs", "infogan_mnist.cfg"), files)
    self.assertEqual(history_lines(files), [])


class DocsTest(tf.test.TestCase):

  def test_commands_are_parsed_from_bash_blocks(self):
    text = ("Text `python3 -m tfgan_info.train --nope` is prose.\n```bash\n"
            "# a comment\npython3 -m tfgan_info.train --flagfile=configs/gan_mnist.cfg \\\n"
            "    --seed=1  # trailing\npip install x && python3 tools/render.py --scale=2\n```\n"
            "```python\nimport os\n```\n")
    self.assertEqual(bash_commands(text), [
        ["python3", "-m", "tfgan_info.train", "--flagfile=configs/gan_mnist.cfg", "--seed=1"],
        ["pip", "install", "x"], ["python3", "tools/render.py", "--scale=2"]])
    self.assertEqual(bash_commands("```bash\n# a comment \\\npython3 tools/render.py\n```\n"),
                     [["python3", "tools/render.py"]])
    self.assertEqual(bash_commands("```bash\npython3 -c \"import a; a.b('#')\" | tail\n```\n"),
                     [["python3", "-c", "import a; a.b('#')"], ["tail"]])

  def test_a_wrong_flag_entry_point_or_file_is_found(self):
    self.assertEqual(command_problems(
        "python3 -m tfgan_info.train --flagfile=configs/gan_mnist.cfg --seed=1 --nojit_compile"),
        [])
    self.assertEqual(command_problems("python3 -m tfgan_info.train --fused_adam=true"),
                     ["tfgan_info.train has no flag --fused_adam"])
    self.assertEqual(command_problems("python3 -m tfgan_info.evaluate --model_dir=runs/x "
                                      "--train_steps=2"),
                     ["tfgan_info.evaluate has no flag --train_steps"])
    self.assertEqual(command_problems("python3 tools/benchmark.py --train_steps=2 --windows=3"),
                     [])
    self.assertEqual(command_problems("python3 tools/nope.py"),
                     ["names tools/nope.py, which is not in the tree",
                      "tools/nope.py does not exist"])
    self.assertEqual(command_problems("python3 -m tfgan_info.train --flagfile=configs/no.cfg"),
                     ["names configs/no.cfg, which is not in the tree"])

  def test_every_documented_command_is_valid(self):
    problems = []
    for doc in markdown_files(COMMAND_DOCS):
      with open(os.path.join(testutil.ROOT, doc), encoding="utf-8") as f:
        commands = bash_commands(f.read())
      problems += [f"{doc}: {shlex.join(c)}: {p}" for c in commands for p in command_problems(c)]
    self.assertEqual(problems, [])

  def test_anchors_follow_github(self):
    self.assertEqual(github_anchor("ALI and BiGAN on MNIST"), "ali-and-bigan-on-mnist")
    self.assertEqual(github_anchor("Precision and XLA on a CPU"), "precision-and-xla-on-a-cpu")
    self.assertEqual(github_anchor("`--init_from`: another run"), "--init_from-another-run")

  def test_every_link_and_image_resolves(self):
    docs = markdown_files()
    self.assertIn("README.md", docs)
    self.assertEqual([p for doc in docs for p in link_problems(doc)], [])

  def test_records_tables_equal_their_records(self):
    records_root = os.path.join(testutil.ROOT, "docs", "records")
    for doc in markdown_files(COMMAND_DOCS):
      with open(os.path.join(testutil.ROOT, doc), encoding="utf-8") as f:
        text = f.read()
      for name in records.block_names(text):
        self.assertNotEmpty(records.load(os.path.join(records_root, name)), f"{doc}: {name}")
      self.assertEqual(records.render_blocks(text, records_root), text,
                       f"{doc}: a records table differs from its records; run python3 -m "
                       "tfgan_info.reproduce --tables")

  def test_code_cites_docs_that_exist(self):
    cited = re.compile(r"(docs/[\w-]+\.md)(?:#([\w-]+))?")
    problems = []
    for path in code_files():
      with open(path, encoding="utf-8") as f:
        for doc, anchor in cited.findall(f.read()):
          full = os.path.join(testutil.ROOT, doc)
          if not os.path.exists(full):
            problems.append(f"{path}: {doc}")
          elif anchor and anchor not in anchors(full):
            problems.append(f"{path}: {doc}#{anchor}")
    self.assertEqual(problems, [])


if __name__ == "__main__":
  tf.test.main()
