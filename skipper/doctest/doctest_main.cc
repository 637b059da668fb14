// itr::doctest_main: doctest's main under the Intelligent Test Runner, for
// suites that used doctest's own (DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN).
#define DOCTEST_CONFIG_IMPLEMENT
#include "itr/doctest_itr.h"

int main(int argc, char** argv) { return itr::doctest::Run(argc, argv); }
