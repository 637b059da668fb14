// itr::catch2_main: Catch2's main under the Intelligent Test Runner, for
// suites that used Catch2's own main (CATCH_CONFIG_MAIN).
#define CATCH_CONFIG_RUNNER
#include "itr/catch2_itr.h"

int main(int argc, char* argv[]) { return itr::catch2::Run(argc, argv); }
