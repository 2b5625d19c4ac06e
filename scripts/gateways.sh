#!/usr/bin/env bash
# Installs the real gateways the gateway tests run against, pinned, idempotently:
#   - Portkey's open-source gateway from npm into tests/gateways/node_modules
#   - LiteLLM from PyPI into a virtualenv at tests/gateways/.venv
# Both are git-ignored. Later runs skip what is already there at the pinned version.
# Only npm and PyPI are contacted; nothing is downloaded from GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."
PORTKEY_VERSION=1.15.2
LITELLM_VERSION=1.110.2
DIR=tests/gateways

t0=$(date +%s)
have_portkey=$(node -e "try{console.log(require('./$DIR/node_modules/@portkey-ai/gateway/package.json').version)}catch(e){}" 2>/dev/null || true)
if [ "$have_portkey" != "$PORTKEY_VERSION" ]; then
  echo "gateways: installing @portkey-ai/gateway@$PORTKEY_VERSION (npm)"
  (cd "$DIR" && npm install --no-audit --no-fund --no-save --loglevel=error \
     "@portkey-ai/gateway@$PORTKEY_VERSION")
else
  echo "gateways: @portkey-ai/gateway $PORTKEY_VERSION present"
fi
t1=$(date +%s)

PY=${PYTHON:-python3}
have_litellm=$("$DIR/.venv/bin/python" -c "import importlib.metadata as m; print(m.version('litellm'))" 2>/dev/null || true)
if [ "$have_litellm" != "$LITELLM_VERSION" ]; then
  echo "gateways: installing litellm==$LITELLM_VERSION into $DIR/.venv (PyPI)"
  [ -x "$DIR/.venv/bin/python" ] || "$PY" -m venv "$DIR/.venv"
  "$DIR/.venv/bin/python" -m pip install --quiet --disable-pip-version-check "litellm==$LITELLM_VERSION"
else
  echo "gateways: litellm $LITELLM_VERSION present"
fi
t2=$(date +%s)
echo "gateways: install times: portkey $((t1 - t0)) s, litellm $((t2 - t1)) s"
