"""Runs seed snippets against a test server: run_snippet.py BASE_URL.

Reads one JSON request per line from standard input, {"snippet": PATH, "inputs": {...}}; loads the
snippet with its http://localhost:3001 replaced by BASE_URL, calls main(inputs) and prints the
returned dict as one line of JSON.
"""
import json
import sys


def run(path, base_url, inputs):
    with open(path, encoding="utf-8") as f:
        code = f.read()
    code = code.replace("http://localhost:3001", base_url)
    scope = {"__name__": "seed_snippet"}
    exec(compile(code, path, "exec"), scope)
    return scope["main"](inputs)


if __name__ == "__main__":
    base = sys.argv[1]
    for line in sys.stdin:
        request = json.loads(line)
        result = run(request["snippet"], base, request["inputs"])
        print(json.dumps(result, ensure_ascii=False), flush=True)
