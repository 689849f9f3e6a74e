#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian 12 machine with Node 20 and npm, and nothing twice:
# Debian's Chromium (browser tests), flatc (generated .tflite accessors) and Fashion-MNIST (demo data),
# pnpm (the version in package.json's packageManager), then the workspace's packages. Every step is
# skipped when already done, so `npm test`, `npm run demo` and .ci/run all start with it.
set -euo pipefail
cd "$(dirname "$0")/.."

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node $(node --version) is too old; install Node 20.19 or newer" >&2
  exit 1
fi

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v flatc >/dev/null || need_apt+=(flatbuffers-compiler)
[ -d /usr/share/datasets/fashion-mnist ] || need_apt+=(dataset-fashion-mnist)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

# pnpm at the version package.json pins (packageManager: pnpm@x.y.z).
pnpm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if ! command -v pnpm >/dev/null || [ "$(pnpm --version)" != "$pnpm_version" ]; then
  echo "setup: installing pnpm@$pnpm_version"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && [ ! -w "$(npm prefix -g)" ] && SUDO="sudo"
  $SUDO npm install -g --no-audit --no-fund "pnpm@$pnpm_version"
fi

# The workspace's packages, when the lockfile changed since the last install (or there was none).
if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  pnpm install --frozen-lockfile
fi
