#!/bin/sh
# A CTest test that is a script running instrumented programs: its
# dependencies are the union of what both processes executed.
#   pipeline.sh <area_check> <units_check>
set -e
"$1" circle
"$2"
echo "pipeline ok"
