#!/usr/bin/env bash
# System packages the test suite needs: Debian's Chromium and ChromeDriver for the end-to-end browser tests (and
# for printing briefs to PDF), poppler-utils (pdftotext, pdftoppm) for the tests that read PDFs back and render pages, and Java 17
# (openjdk-17-jre-headless) for the Spark engine's tests (pyspark runs on a JVM).
# Idempotent; needs root (or sudo). Never downloads a browser from anywhere but the Debian archive.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -x /usr/bin/pdftotext ] && command -v java >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-system-deps: need root to apt-get install chromium chromium-driver poppler-utils openjdk-17-jre-headless (browser, PDF and Spark tests will skip)" >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver fonts-dejavu-core poppler-utils \
  openjdk-17-jre-headless
