#!/bin/bash
# Installs PACKAGE into the kernel's environment when a KernelGateway app
# starts. studio-lcc exports PACKAGE above this comment.
set -eux

if [ -f /opt/conda/bin/activate ]; then
    # shellcheck disable=SC1091
    source /opt/conda/bin/activate base
fi
pip install --quiet --upgrade "$PACKAGE" # studio-lcc: allow-foreground
