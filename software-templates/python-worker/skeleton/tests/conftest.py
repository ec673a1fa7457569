"""Tasks run eagerly in tests: no broker needed."""

import os

os.environ["TASK_ALWAYS_EAGER"] = "true"
