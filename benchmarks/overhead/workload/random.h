// A tiny deterministic generator (SplitMix64): the same inputs with every
// compiler and standard library, unlike <random>'s distributions.
#ifndef BENCHMARKS_OVERHEAD_WORKLOAD_RANDOM_H_
#define BENCHMARKS_OVERHEAD_WORKLOAD_RANDOM_H_

#include <cstdint>

namespace workload {

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform enough in [0, bound) for a workload; bound > 0.
  uint32_t Below(uint32_t bound) {
    return static_cast<uint32_t>(Next() % bound);
  }

 private:
  uint64_t state_;
};

// Folds `value` into `hash` (FNV-1a style on 64-bit words).
inline uint64_t Mix(uint64_t hash, uint64_t value) {
  return (hash ^ value) * 0x100000001B3ull;
}

}  // namespace workload

#endif  // BENCHMARKS_OVERHEAD_WORKLOAD_RANDOM_H_
