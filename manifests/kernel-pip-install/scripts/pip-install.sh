#!/bin/bash
# Installs one Python package into the kernel's environment each time a
# KernelGateway app starts. studio-lcc exports PACKAGE above this comment.
set -eux

# SageMaker images with conda keep the kernel in the `base` environment.
if [ -f /opt/conda/bin/activate ]; then
    # shellcheck disable=SC1091
    source /opt/conda/bin/activate base
fi

# One small package installs in seconds; keep it in the foreground so the
# kernel never starts without it.
pip install --quiet --upgrade "$PACKAGE" # studio-lcc: allow-foreground

echo "Installed $PACKAGE into $(command -v python)"
