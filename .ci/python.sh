#!/usr/bin/env bash
# The Python package (python/): formatted and linted as the project is, built
# from this tree into a fresh virtual environment, and its tests run against
# the zhice binary `cargo test` built, Spark included (docs/python.md).
set -euo pipefail
cd "$(dirname "$0")/.."

(cd python && cargo fmt --check)
(cd python && CARGO_TARGET_DIR="$PWD/../target/python" cargo clippy --all-targets -- -D warnings)
(cd python && CARGO_TARGET_DIR="$PWD/../target/python" cargo test --quiet)

# Spark runs on Java: Debian's headless runtime when there is none.
if ! command -v java >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get install -y -qq openjdk-17-jre-headless >/dev/null 2>&1 || echo "could not install a Java runtime from Debian's packages"
fi

venv="$PWD/target/python-venv"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check pytest pyarrow "pandas<3" polars pyspark matplotlib
CARGO_TARGET_DIR="$PWD/target/python" "$venv/bin/pip" install -q --disable-pip-version-check ./python

# A missing Java or pyspark fails the run here instead of skipping the Spark test.
ZHICE_BIN="$PWD/target/debug/zhice" ZHICE_REQUIRE_SPARK=1 "$venv/bin/python" -m pytest -q -p no:cacheprovider python/tests
