#!/usr/bin/env python3
"""Writes the committed seed corpora (fuzz/seeds/<target>/) from project-written files: the
stream fixtures, the preset policies, the sample prompt set and a tiny model built here.
Each target's input layout is documented at the top of its fuzz_targets/<target>.rs.
Re-run after changing a layout: python3 fuzz/make-seeds.py"""
import base64, json, os, pathlib, shutil, struct, zlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"
FIX = ROOT / "crates/routeplay-providers/tests/fixtures"


def put(target, name, data):
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


shutil.rmtree(SEEDS, ignore_errors=True)

# sse: 1 chunking byte, then the body.
fmt = {"openai": 0, "deepseek": 0, "groq": 0, "openrouter_error": 0,
       "anthropic": 1, "anthropic_overloaded": 1, "gemini": 2}
for f in sorted(FIX.glob("*.sse")):
    body = f.read_bytes()
    put("sse", f.stem, b"\x07" + body)
    # stream_decode: 1 format byte, 1 chunking byte, then the body.
    put("stream_decode", f.stem, bytes([fmt[f.stem], 0x2a]) + body)
put("sse", "bom-crlf-comments", b"\x03\xef\xbb\xbf: ping\r\nid: 7\r\nretry: 1500\r\nevent: x\r\ndata: a\r\ndata:b\r\r\ndata: last")
put("stream_decode", "openai-cut-before-done", b"\x00\x05" + b'data: {"choices":[{"delta":{"content":"partial"}}]}\n\n')

# hosts: a URL, optionally 0xFF and a second URL.
for i, (a, b) in enumerate([
    ("https://api.openai.com/v1", "https://api.openai.com/v1/chat/completions"),
    ("http://127.0.0.1:8787/s/ok/v1", "http://127.0.0.1:8788/v1"),
    ("http://[::1]:8000/v1", "http://localhost:8000/v1"),
    ("HTTPS://API.Example.com:443/v1", "https://api.example.com.evil.example/v1?alt=sse"),
    ("https://generativelanguage.googleapis.com/v1beta", "https://generativelanguage.googleapis.com/v1beta/models/x:streamGenerateContent?alt=sse"),
    ("https://u:p@x.example/v1#f", "ftp://x"),
]):
    put("hosts", f"url-{i}", a.encode() + b"\xff" + b.encode())

# model_load: flag byte (bit 0: fix the checksum), then a model file (format in
# crates/routeplay-core/src/classifier/model.rs): a tiny valid model, 2^10 buckets.
def model(labels, log2=10, flags=1):
    out = b"RPTC" + struct.pack("<HHBBH", 1, 1, log2, len(labels), flags)
    for l in labels:
        out += bytes([len(l)]) + l.encode()
    n = len(labels) + 1
    for k in range(n):
        out += struct.pack("<ff", 0.05 * (k + 1), 0.1 * k)
    out += struct.pack("<fff", 1.0, 0.7, 0.5)
    out += bytes(((i * 37) % 11 - 5) & 0xff for i in range((1 << log2) * n))
    h = 0x811C9DC5
    for b in out:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return out + struct.pack("<I", h)

put("model_load", "tiny-2-labels", b"\x00" + model(["code", "chat"]))
put("model_load", "tiny-1-label-no-complexity", b"\x01" + model(["only"], flags=0))
put("model_load", "header-only", b"\x01" + model(["a", "b", "c"])[:64])

# policy: TOML, optionally 0xFF and a prompt.
for f in sorted((ROOT / "public/policies").glob("*.toml")):
    put("policy", f.stem, f.read_bytes() + b"\xff" + b"Write a SQL query for the top 5 customers.")
put("policy", "split-meta", """[metadata]
tier = "free"
[[rule]]
name = "pro"
when = 'meta.tier == "pro" && tokens < 4000'
split = [{ model = "gpt-5.4", weight = 70 }, { model = "gpt-5.4", weight = 30 }]
[[rule]]
when = 'language == "deu" || pii.exists(p, p == "email") || scores.code > 0.4'
candidates = ["gpt-5-mini", "claude-sonnet-5"]
objective = "weighted"
weights = { quality = 2, cost = 1 }
[default]
model = "gpt-5-mini"
""")
for name in ["broken-syntax", "broken-cost-nested", "broken-cost-doubling", "broken-repeated-arm"]:
    f = ROOT / "crates/routeplay-cli/tests/policy-data" / f"{name}.toml"
    if f.exists():
        put("policy", name, f.read_bytes())

# prompt_set: 1 option byte (bits 0-1 format: detect/JSONL/CSV/lines; bit 2 small limits;
# bits 3-5 entry limit), then the file.
lines = (ROOT / "public/samples/prompts.jsonl").read_text().splitlines()
put("prompt_set", "samples-head.jsonl", b"\x00" + ("\n".join(l for l in lines[:12] if len(l) < 400) + "\n").encode())
put("prompt_set", "bad-lines.jsonl", b"\x00" + b'{"text": "ok", "metadata": {"tier": "pro"}, "outcomes": {"gpt-5.4": 80}}\n{"text": 3}\n// comment\n\n{"text": ""}\n{not json\n')
put("prompt_set", "quoted.csv", b"\x02" + b'id,text,label\r\n1,"Hello, ""world""",chat\r\n2,"multi\nline prompt",code\r\n3,=SUM(A1),x\r\n4,"unclosed\n')
put("prompt_set", "prompt-column.csv", b"\x00" + b"prompt\nWhat is 2+2?\n\"a, b\"x\n")
put("prompt_set", "lines.txt", b"\x03" + "\ufeffTranslate 'good morning' into German\n\n   Plan a trip   \n@Summarise this: ...\n".encode())
put("prompt_set", "small-limits.txt", bytes([4 | (2 << 3)]) + b"one\ntwo\nthree\n" + b"x" * 80 + b"\n")

# share_link: mode byte 0 = fragment, 1 = JSON (deflated and encoded by the target), 2 = raw deflate.
def deflate(b):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(b) + c.flush()

states = [
    {"v": 1, "prompt": "Write a haiku about routers", "selected": ["cost-saver", "my-policy"],
     "policies": [{"id": "my-policy", "source": (ROOT / "public/policies/cost-saver.toml").read_text(), "builtin": False}],
     "view": "prompt", "metadata_json": "{\"tier\": \"pro\"}"},
    {"v": 1, "prompt": "", "selected": ["balanced", "quality-first"], "policies": [], "view": "batch",
     "batch": {"kind": "text", "value": "Plan a trip\nSummarise this"}, "metadata_json": "", "diff": [0, 1]},
    {"v": 1, "view": "live", "batch": {"kind": "sample"}},
    {"v": 2, "prompt": "from the future"},
    {"v": 3, "view": "audit", "batch": {"kind": "sample"},
     "audit": {"house": ["amazon", "maker:openai"], "policy": "cost-saver", "reference": ""}},
    {"v": 3, "view": "train", "selected": ["balanced"]},
]
for i, st in enumerate(states):
    js = json.dumps(st).encode()
    put("share_link", f"json-{i}", b"\x01" + js)
    frag = "s=" + base64.urlsafe_b64encode(deflate(js)).decode().rstrip("=")
    put("share_link", f"fragment-{i}", b"\x00" + ("#embed&" if i == 1 else "#").encode() + frag.encode())
put("share_link", "deflate-raw", b"\x02" + deflate(b"{\"v\": 1, \"prompt\": \"" + b"a" * 500 + b"\"}"))
put("share_link", "not-a-link", b"\x00#embed&view=batch")

# embed_fragment: mode byte even = the whole fragment, odd = after "#embed&".
put("embed_fragment", "audit", b"\x00#embed&view=audit&house=google,maker:openai&policy=house-first&reference=balanced&theme=dark")
put("embed_fragment", "prompt", b"\x01policies=cost-saver,balanced&prompt=Plan%20a%20trip&examples=off&readonly")
put("embed_fragment", "odd", b"\x00#s=abc&embed&house=%E2%82%AC,provider:bedrock&reference=")

# conversation: the file's bytes (chat requests in every format, mixed with prompts).
conv_lines = (ROOT / "public/samples/conversations.jsonl").read_text().splitlines()
short = [l for l in conv_lines if len(l) < 1500]
put("conversation", "samples-head.jsonl", "\n".join(short[:6]) + "\n")
for fmt, key in [("anthropic", '"system"'), ("sharegpt", '"conversations"'), ("batch", '"custom_id"'), ("tools", '"tool_calls"')]:
    pick = [l for l in short if key in l][:2]
    if pick:
        put("conversation", f"{fmt}.jsonl", "\n".join(pick) + "\n")
put("conversation", "pasted-body.json", json.dumps(json.loads(short[0]), indent=2) + "\n")
put("conversation", "mixed-bad-lines.jsonl",
    '{"text": "plain prompt"}\n{"messages": []}\n{broken\n'
    '{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}}, {"type": "text", "text": "what is this"}]}]}\n'
    '{"system": "s", "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "f", "input": {}}]}, {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "r"}]}]}\n')
put("conversation", "list.json", '[\n {"messages": [{"role": "user", "content": "a"}]},\n 3,\n {"conversations": [{"from": "human", "value": "b"}, {"from": "function_call", "value": "{\\"name\\": \\"f\\"}"}, {"from": "observation", "value": "c"}]}\n]\n')
