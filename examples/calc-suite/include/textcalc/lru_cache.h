#pragma once

// Header-only least-recently-used cache. A list keeps recency order (front is
// most recent) and a hash map points into it, so Get/Put are O(1).

#include <cstddef>
#include <functional>
#include <list>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

namespace textcalc {

template <typename Key, typename Value, typename Hash = std::hash<Key>,
          typename KeyEqual = std::equal_to<Key>>
class LruCache {
 public:
  explicit LruCache(std::size_t capacity) : capacity_(capacity) {
    // A zero-capacity cache would evict on every Put; treat it as a bug.
    if (capacity == 0) {
      throw std::invalid_argument("LruCache capacity must be positive");
    }
  }

  // Returns a copy of the value and marks the key most recently used.
  std::optional<Value> Get(const Key& key) {
    auto found = index_.find(key);
    if (found == index_.end()) {
      ++misses_;
      return std::nullopt;
    }
    ++hits_;
    entries_.splice(entries_.begin(), entries_, found->second);
    return found->second->second;
  }

  // Inserts or overwrites; either way the key becomes most recently used.
  void Put(const Key& key, Value value) {
    auto found = index_.find(key);
    if (found != index_.end()) {
      found->second->second = std::move(value);
      entries_.splice(entries_.begin(), entries_, found->second);
      return;
    }
    if (entries_.size() == capacity_) {
      index_.erase(entries_.back().first);
      entries_.pop_back();
      ++evictions_;
    }
    entries_.emplace_front(key, std::move(value));
    index_.emplace(key, entries_.begin());
  }

  bool Erase(const Key& key) {
    auto found = index_.find(key);
    if (found == index_.end()) return false;
    entries_.erase(found->second);
    index_.erase(found);
    return true;
  }

  // Peeks without touching recency or the hit/miss counters.
  bool Contains(const Key& key) const { return index_.contains(key); }

  // Most recently used first.
  std::vector<Key> KeysByRecency() const {
    std::vector<Key> keys;
    keys.reserve(entries_.size());
    for (const auto& entry : entries_) keys.push_back(entry.first);
    return keys;
  }

  std::size_t Size() const { return entries_.size(); }
  std::size_t Capacity() const { return capacity_; }
  std::size_t Hits() const { return hits_; }
  std::size_t Misses() const { return misses_; }
  std::size_t Evictions() const { return evictions_; }

 private:
  using Entry = std::pair<Key, Value>;
  using EntryList = std::list<Entry>;

  std::size_t capacity_;
  EntryList entries_;
  std::unordered_map<Key, typename EntryList::iterator, Hash, KeyEqual> index_;
  std::size_t hits_ = 0;
  std::size_t misses_ = 0;
  std::size_t evictions_ = 0;
};

}  // namespace textcalc
