#!/bin/bash
# Idle auto-shutdown for JupyterLab spaces in SageMaker Studio. A background
# loop asks the Jupyter server when it was last active and deletes this app
# once it has been idle for longer than TIMEOUT_MINUTES. studio-lcc exports
# TIMEOUT_MINUTES above this comment.
set -eux

CHECKER=/home/sagemaker-user/.idle-shutdown/check.sh
mkdir -p "$(dirname "$CHECKER")"

cat > "$CHECKER" <<'CHECK'
#!/bin/bash
set -u
metadata=/opt/ml/metadata/resource-metadata.json
read_meta() { python3 -c "import json,sys; print(json.load(open('$metadata'))['$1'])"; }
domain_id=$(read_meta DomainId)
space_name=$(read_meta SpaceName)
while true; do
    sleep 300
    status=$(curl -sf http://localhost:8888/jupyterlab/default/api/status) || continue
    idle_minutes=$(python3 -c "
import datetime, json, sys
last = json.loads(sys.argv[1])['last_activity'].replace('Z', '+00:00')
idle = datetime.datetime.now(datetime.timezone.utc) - datetime.datetime.fromisoformat(last)
print(int(idle.total_seconds() // 60))" "$status")
    if [ "$idle_minutes" -ge "$TIMEOUT_MINUTES" ]; then
        echo "Idle for $idle_minutes minutes; shutting down."
        aws sagemaker delete-app --domain-id "$domain_id" --space-name "$space_name" \
            --app-type JupyterLab --app-name default
        exit 0
    fi
done
CHECK
chmod +x "$CHECKER"

# The checker runs for the life of the app, so it must not hold up start-up.
nohup "$CHECKER" > /tmp/idle-shutdown.log 2>&1 &
echo "Idle shutdown after ${TIMEOUT_MINUTES} minutes is on."
