#!/bin/bash
# JupyterLab start-up for the quickstart: installs the packages in PACKAGES
# (space-separated) into the user's environment in the background, so the
# space opens at once and the packages arrive a minute later.
set -eux

nohup pip install --quiet --user $PACKAGES > /tmp/lab-setup.log 2>&1 &
echo "Installing $PACKAGES in the background; see /tmp/lab-setup.log"
