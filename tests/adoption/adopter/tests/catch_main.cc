// The project's own Catch2 main library, linked PUBLIC by its test targets.
#ifdef ADOPTER_ITR
#define CATCH_CONFIG_RUNNER
#include "itr/catch2_itr.h"  // itr
int main(int argc, char* argv[]) { return itr::catch2::Run(argc, argv); }
#else
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
