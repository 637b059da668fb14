#include <catch2/catch.hpp>

#include "sel/text.h"

TEST_CASE("Other.One") { CHECK(sel::Beta(1) == 2); }
TEST_CASE("Other.Two") { CHECK(1 == 1); }
