"""``python -m grader``: the calcgrade command line."""
from grader.cli.main import entry

if __name__ == "__main__":
    entry()
