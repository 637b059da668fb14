// GoogleTest and GoogleMock as one source file, the way projects vendor
// the fused gmock-gtest-all.cc: here it includes the sources Debian ships
// (FUSED_GOOGLETEST_DIR) instead of holding them.
// clang-format off
#include "src/gtest-all.cc"
#include "src/gmock-all.cc"
// clang-format on
