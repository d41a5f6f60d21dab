#!/bin/bash
# Idle auto-shutdown for Studio Classic. Installs a Jupyter server extension
# that shuts down kernels and apps idle for longer than TIMEOUT_MINUTES.
# studio-lcc exports TIMEOUT_MINUTES and EXTENSION_PACKAGE above this comment.
set -eux

CONFIG_DIR="$HOME/.jupyter"
mkdir -p "$CONFIG_DIR"

# The extension reads its timeout from here when the server starts.
cat > "$CONFIG_DIR/idle-shutdown.json" <<CONFIG
{"idle_timeout_minutes": ${TIMEOUT_MINUTES}}
CONFIG

# Installing takes longer than the 5-minute start-up limit allows on a slow
# day, so it runs in the background; the server restarts once it is done.
nohup bash <<'INSTALL' > /tmp/idle-shutdown-install.log 2>&1 &
set -eux
# shellcheck disable=SC1091
source /opt/conda/bin/activate studio
pip install --quiet "$EXTENSION_PACKAGE"
jupyter serverextension enable --py "${EXTENSION_PACKAGE//-/_}" --sys-prefix
restart-jupyter-server
INSTALL

echo "Idle shutdown set to ${TIMEOUT_MINUTES} minutes; installing in the background."
