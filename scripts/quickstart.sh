#!/usr/bin/env bash
# quickstart.sh - install what is missing, build, and classify the demo
# capture with the registry embedded in the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
pc_install_deps
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
./build/portclass -r pcaps/demo.pcap "$@"
