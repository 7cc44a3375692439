#!/usr/bin/env bash
# Run govern on the example shop (examples/shop) in a fresh git repository.
#
# The shop's ADRs block one change on purpose (app/api/refunds.py calls Stripe directly,
# see examples/shop/adr/0002-only-billing-talks-to-stripe.md), so this script exits 0 when
# `govern check` blocks (exit 1) as expected, and non-zero otherwise.
#
# Usage: examples/run-example.sh [extra govern check options, e.g. --format json]
# Uses `govern` from PATH (override with GOVERN=/path/to/govern).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
govern="${GOVERN:-govern}"
if ! command -v "$govern" >/dev/null 2>&1; then
    echo "example: '$govern' not found; install govern first (pip install -e .) or set GOVERN=/path/to/govern" >&2
    exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf -- "$work"' EXIT

cp -R -- "$here/shop" "$work/shop"
cd "$work/shop"
git init -q -b main
git add -A
git -c user.name="Example" -c user.email="example@example.invalid" commit -q -m "The example shop"

echo "\$ govern check   (in a fresh clone of examples/shop)"
set +e
"$govern" check "$@"
status=$?
set -e

if [ "$status" -eq 1 ]; then
    echo "example: blocked as expected (exit 1) — see adr/0002-only-billing-talks-to-stripe.md"
    exit 0
fi
echo "example: expected govern check to block (exit 1), got exit $status" >&2
exit 1
