"""The package's import layers (docs/design.md, "Layout"): dependencies point downward.

Parsed from the source (no import runs), so a change that breaks a layer fails here:

- the foundations (data/, metrics/, networks/, losses.py, latents.py, console.py,
  distribute.py) import nothing from models/ nor from the modules that drive training
  (train, train_lib, callbacks, export, evaluate);
- models/ imports nothing from the modules that drive training;
- nothing in the package imports tools/.
"""

import ast
import os

import tensorflow as tf

from tests import testutil

PACKAGE = os.path.join(testutil.ROOT, "tfgan_info")
DRIVERS = ("tfgan_info.train", "tfgan_info.train_lib", "tfgan_info.callbacks",
           "tfgan_info.export", "tfgan_info.evaluate")
FOUNDATIONS = ("data", "metrics", "networks", "losses.py", "latents.py", "console.py",
               "distribute.py")


def imports(path: str):
  """[(line, absolute module names)] of a Python file's import statements
  (``from a import b`` names a and a.b)."""
  with open(path) as f:
    tree = ast.parse(f.read(), path)
  out = []
  for node in ast.walk(tree):
    if isinstance(node, ast.Import):
      out.append((node.lineno, [alias.name for alias in node.names]))
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
      out.append((node.lineno, [node.module] + [f"{node.module}.{a.name}" for a in node.names]))
  return out


def python_files(*parts):
  root = os.path.join(PACKAGE, *parts)
  if root.endswith(".py"):
    return [root]
  return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files
          if f.endswith(".py")]


class LayeringTest(tf.test.TestCase):

  def violations(self, files, forbidden):
    out = []
    for path in files:
      for line, names in imports(path):
        bad = [n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden)]
        if bad:
          out.append(f"{os.path.relpath(path, testutil.ROOT)}:{line} imports {bad[0]}")
    return out

  def test_foundations_import_no_model_and_no_driver(self):
    files = [p for part in FOUNDATIONS for p in python_files(part)]
    self.assertGreater(len(files), 20)
    self.assertEqual(self.violations(files, ("tfgan_info.models",) + DRIVERS), [])

  def test_models_import_no_driver(self):
    self.assertEqual(self.violations(python_files("models"), DRIVERS), [])

  def test_the_package_imports_no_tool(self):
    tools = [f[:-3] for f in os.listdir(os.path.join(testutil.ROOT, "tools"))
             if f.endswith(".py")]
    self.assertEqual(self.violations(python_files(), ("tools",) + tuple(tools)), [])

  def test_the_checker_sees_a_violation(self):
    path = os.path.join(self.get_temp_dir(), "bad.py")
    with open(path, "w") as f:
      f.write("from tfgan_info.models import gan\nimport tfgan_info.train_lib as t\n")
    self.assertEqual(self.violations([path], ("tfgan_info.models",) + DRIVERS),
                     [f"{os.path.relpath(path, testutil.ROOT)}:1 imports tfgan_info.models",
                      f"{os.path.relpath(path, testutil.ROOT)}:2 imports tfgan_info.train_lib"])


if __name__ == "__main__":
  tf.test.main()
