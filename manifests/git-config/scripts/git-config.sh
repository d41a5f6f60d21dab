#!/bin/bash
# Per-user git identity for Studio Classic. studio-lcc exports GIT_USER_NAME
# and GIT_USER_EMAIL above this comment; each user profile gets its own values.
set -eux

git config --global user.name "$GIT_USER_NAME"
git config --global user.email "$GIT_USER_EMAIL"

# Sensible defaults for notebooks in git.
git config --global init.defaultBranch main
git config --global pull.rebase false
git config --global credential.helper 'cache --timeout=36000'

echo "git configured for $GIT_USER_NAME <$GIT_USER_EMAIL>"
