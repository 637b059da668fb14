#include "textcalc/lru_cache.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "textcalc/string_utils.h"

namespace textcalc {
namespace {

// Produces distinct keys of each tested type from small integers.
template <typename Key>
Key MakeKey(int index);

template <>
int MakeKey<int>(int index) {
  return index;
}

template <>
std::string MakeKey<std::string>(int index) {
  return "key-" + std::to_string(index);
}

template <>
std::uint64_t MakeKey<std::uint64_t>(int index) {
  // Large, widely spaced keys exercise hashing of 64-bit values.
  return 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(index + 1);
}

template <typename Key>
class LruCacheTyped : public testing::Test {
 protected:
  using Cache = LruCache<Key, std::string>;

  static Key K(int index) { return MakeKey<Key>(index); }
  static std::vector<Key> Keys(std::initializer_list<int> indices) {
    std::vector<Key> keys;
    for (int index : indices) keys.push_back(K(index));
    return keys;
  }
};

using KeyTypes = testing::Types<int, std::string, std::uint64_t>;
TYPED_TEST_SUITE(LruCacheTyped, KeyTypes);

TYPED_TEST(LruCacheTyped, StoresAndRetrievesValues) {
  typename TestFixture::Cache cache(3);
  cache.Put(this->K(1), "one");
  cache.Put(this->K(2), "two");
  EXPECT_EQ(cache.Get(this->K(1)), "one");
  EXPECT_EQ(cache.Get(this->K(2)), "two");
  EXPECT_FALSE(cache.Get(this->K(3)).has_value());
  EXPECT_EQ(cache.Size(), 2u);
}

TYPED_TEST(LruCacheTyped, EvictsTheLeastRecentlyUsedEntry) {
  typename TestFixture::Cache cache(2);
  cache.Put(this->K(1), "one");
  cache.Put(this->K(2), "two");
  cache.Put(this->K(3), "three");
  EXPECT_FALSE(cache.Contains(this->K(1)));
  EXPECT_EQ(cache.KeysByRecency(), this->Keys({3, 2}));
  EXPECT_EQ(cache.Evictions(), 1u);
}

TYPED_TEST(LruCacheTyped, GetRefreshesRecency) {
  typename TestFixture::Cache cache(2);
  cache.Put(this->K(1), "one");
  cache.Put(this->K(2), "two");
  ASSERT_TRUE(cache.Get(this->K(1)).has_value());
  cache.Put(this->K(3), "three");  // Evicts 2, which is now the oldest.
  EXPECT_TRUE(cache.Contains(this->K(1)));
  EXPECT_FALSE(cache.Contains(this->K(2)));
}

TYPED_TEST(LruCacheTyped, PutOverwritesWithoutEvicting) {
  typename TestFixture::Cache cache(2);
  cache.Put(this->K(1), "one");
  cache.Put(this->K(2), "two");
  cache.Put(this->K(1), "uno");
  EXPECT_EQ(cache.Size(), 2u);
  EXPECT_EQ(cache.Evictions(), 0u);
  EXPECT_EQ(cache.KeysByRecency(), this->Keys({1, 2}));
  EXPECT_EQ(cache.Get(this->K(1)), "uno");
}

TYPED_TEST(LruCacheTyped, EraseRemovesOnlyTheGivenKey) {
  typename TestFixture::Cache cache(3);
  cache.Put(this->K(1), "one");
  cache.Put(this->K(2), "two");
  EXPECT_TRUE(cache.Erase(this->K(1)));
  EXPECT_FALSE(cache.Erase(this->K(1)));
  EXPECT_EQ(cache.KeysByRecency(), this->Keys({2}));
}

TYPED_TEST(LruCacheTyped, CountsHitsAndMissesButContainsDoesNot) {
  typename TestFixture::Cache cache(2);
  cache.Put(this->K(1), "one");
  cache.Get(this->K(1));
  cache.Get(this->K(1));
  cache.Get(this->K(9));
  EXPECT_TRUE(cache.Contains(this->K(1)));
  EXPECT_FALSE(cache.Contains(this->K(9)));
  EXPECT_EQ(cache.Hits(), 2u);
  EXPECT_EQ(cache.Misses(), 1u);
}

TEST(LruCache, ZeroCapacityIsRejected) {
  EXPECT_THROW((LruCache<int, int>(0)), std::invalid_argument);
}

// Deliberately crosses modules: the case-insensitive policies reuse the
// inline string helpers to show the Hash/KeyEqual customisation points.
struct CaseInsensitiveHash {
  std::size_t operator()(const std::string& key) const {
    return std::hash<std::string>()(ToLower(key));
  }
};
struct CaseInsensitiveEqual {
  bool operator()(const std::string& a, const std::string& b) const {
    return EqualsIgnoreCase(a, b);
  }
};

TEST(LruCache, SupportsCustomHashAndEquality) {
  LruCache<std::string, int, CaseInsensitiveHash, CaseInsensitiveEqual> cache(
      2);
  cache.Put("Content-Length", 42);
  EXPECT_EQ(cache.Get("CONTENT-LENGTH"), 42);
  cache.Put("content-length", 7);
  EXPECT_EQ(cache.Size(), 1u);
  EXPECT_EQ(cache.Get("Content-Length"), 7);
}

}  // namespace
}  // namespace textcalc
