"""`python -m bot route` as a whole process (in e2e: each run builds the route core): one answer per line,
in order; a bad line gets an error and the run goes on."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args, stdin: bytes = b""):
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, cwd=ROOT, timeout=120)


def test_batch_keeps_order_and_survives_bad_lines(tmp_path):
    lines = [
        b'{"id": "a", "text": "pay dewa bill"}',
        b"not json",
        b'{"id": "c"}',
        b'{"id": "d", "text": ""}',
        b'{"id": "e", "text": "\xff\xfe broken utf-8"}',
        b'{"id": "f", "text": "'
        + "\u0627\u0628\u064a \u0627\u062c\u062f\u062f \u0627\u0644\u0644\u064a\u0633\u0646".encode()
        + b'"}',
        b'["a", "list"]',
        b'{"id": 7, "text": "tell me a joke"}',
    ]
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    result = run("route", "--input", str(source))
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(answers) == len(lines)
    assert answers[0]["id"] == "a" and answers[0]["service"]["id"] == "dewa.bill.pay"
    assert "not valid JSON" in answers[1]["error"]
    assert answers[2] == {"id": "c", "error": "missing field 'text'"}
    assert answers[3]["error"] == "text is empty"
    assert "not valid UTF-8" in answers[4]["error"]
    assert answers[5]["service"]["id"] == "rta.driving_licence.renew" and answers[5]["language"] == "ar"
    assert "JSON object" in answers[6]["error"]
    assert answers[7]["id"] == "7" and answers[7]["out_of_scope"] is True


def test_reads_standard_input():
    result = run("route", stdin='{"id": "1", "text": "top up salik"}\n'.encode())
    assert json.loads(result.stdout)["service"]["entity"] == "salik"


def test_missing_input_file_is_a_clear_error():
    result = run("route", "--input", "/nonexistent/file.jsonl")
    assert result.returncode == 1
    assert b"cannot read input" in result.stderr
