// The balanced-shards benchmark's suite (scripts/shard.sh): kTests tests
// that sleep skewed durations (most a few milliseconds, a few hundreds), in
// an order that has nothing to do with their durations. About two thirds
// of them read SHARD_BENCH_EPOCH: changing it makes exactly those run
// again, the others are skipped. Deterministic.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "itr/gtest_itr.h"

namespace {

constexpr int kTests = 160;

// Heavy-tailed: 6 / u ms for u spread over (0, 1], capped at 600 ms.
double DurationMs(int test) {
  const uint64_t spread = (static_cast<uint64_t>(test) * 2654435761u) % 1000;
  return std::min(600.0, 6.0 / ((spread + 1) / 1001.0));
}

bool ReadsEpoch(int test) { return ((test * 40503) >> 5) % 3 != 0; }

class Sleeper : public testing::Test {
 public:
  explicit Sleeper(int test) : test_(test) {}
  void TestBody() override {
    if (ReadsEpoch(test_)) {
      const char* epoch = getenv("SHARD_BENCH_EPOCH");
      EXPECT_TRUE(epoch == nullptr || *epoch != '\0');
    }
    std::this_thread::sleep_for(
        std::chrono::duration<double, std::milli>(DurationMs(test_)));
  }

 private:
  int test_;
};

}  // namespace

int main(int argc, char** argv) {
  for (int test = 0; test < kTests; ++test) {
    std::string name = "T" + std::to_string(1000 + test).substr(1);
    testing::RegisterTest(
        "Skewed", name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
        [test]() -> testing::Test* { return new Sleeper(test); });
  }
  testing::InitGoogleTest(&argc, argv);
  itr::gtest::InstallItr();
  return RUN_ALL_TESTS();
}
