// doctest's own main; with itr-cpp the target links itr::doctest_main.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
