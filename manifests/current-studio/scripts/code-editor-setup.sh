#!/bin/bash
# Code Editor set-up: editor settings the team agrees on, and the extensions
# listed in EXTENSIONS (space-separated), which studio-lcc exports above.
set -eux

SETTINGS_DIR=/home/sagemaker-user/sagemaker-code-editor-server-data/data/User
mkdir -p "$SETTINGS_DIR"
if [ ! -f "$SETTINGS_DIR/settings.json" ]; then
    cat > "$SETTINGS_DIR/settings.json" <<'SETTINGS'
{
  "files.autoSave": "afterDelay",
  "editor.formatOnSave": true,
  "python.terminal.activateEnvironment": true
}
SETTINGS
fi

# Extensions download from the marketplace; do that in the background.
for extension in $EXTENSIONS; do
    nohup sagemaker-code-editor --install-extension "$extension" \
        >> /tmp/code-editor-extensions.log 2>&1 &
done
