"""Runs prompts through a real LiteLLM Router built from a config `routeplay export --to litellm`
wrote, against the fake provider. Offline (LITELLM_LOCAL_MODEL_COST_MAP=True is set by the
caller). Reads JSON lines {"id", "text", "model", "ratelimit"} on stdin; for each, resets the fake
provider's log, sets its 429 list, calls Router.completion(model=<route_key>) and prints
{"id", "requested": [models the fake provider was asked for, in order], "error"}."""

import json
import sys
import urllib.request

import yaml
import litellm
from litellm import Router

config_file, fake = sys.argv[1], sys.argv[2]
with open(config_file) as f:
    config = yaml.safe_load(f)
settings = config.get("router_settings") or {}
router = Router(
    model_list=config["model_list"],
    fallbacks=settings.get("fallbacks") or [],
    num_retries=settings.get("num_retries", 0),
    routing_strategy=settings.get("routing_strategy", "simple-shuffle"),
    disable_cooldowns=True,
)
litellm.suppress_debug_info = True


def post(path, body=None):
    req = urllib.request.Request(fake + path, data=json.dumps(body or {}).encode(), method="POST")
    urllib.request.urlopen(req).read()


for line in sys.stdin:
    if not line.strip():
        continue
    p = json.loads(line)
    post("/__reset")
    post("/__ratelimit", {"models": p.get("ratelimit") or []})
    error = None
    try:
        router.completion(model=p["model"], messages=[{"role": "user", "content": p["text"]}])
    except Exception as e:  # the caller reports it
        error = f"{type(e).__name__}: {str(e)[:300]}"
    log = json.loads(urllib.request.urlopen(fake + "/__log").read())
    requested = [e["model"] for e in log if e.get("model")]
    print(json.dumps({"id": p["id"], "requested": requested, "error": error}), flush=True)
