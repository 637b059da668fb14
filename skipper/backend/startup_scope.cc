#include "skipper/backend/startup_scope.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"

namespace itr::skipper {

namespace {

const IndexedFunction& Function(const FunctionRef& ref) {
  return ref.index->functions()[ref.function];
}

}  // namespace

std::string StartupScope::DataKey(const FunctionRef& user, uint32_t data) {
  // Per object: another object sees the data only by an undefined name.
  return absl::StrCat(*user.object, ":",
                      user.index->String(user.index->data()[data].identity));
}

StartupScope::StartupScope(std::vector<FunctionRef> functions)
    : functions_(std::move(functions)) {
  Link();
  // Global seeds: main's unit, and whatever changes process-wide state.
  std::set<Key> main_units;
  for (const FunctionRef& f : functions_) {
    if (Function(f).flags & kFunctionMain) {
      main_units.insert({f.index, Function(f).unit});
    }
  }
  std::vector<size_t> seeds;
  for (size_t i = 0; i < functions_.size(); ++i) {
    const IndexedFunction& f = Function(functions_[i]);
    if ((f.flags & kFunctionProcessState) ||
        main_units.count({functions_[i].index, f.unit}) != 0) {
      seeds.push_back(i);
    }
  }
  is_global_.assign(functions_.size(), false);
  for (size_t i : Closure(seeds)) {
    is_global_[i] = true;
    global_.push_back(functions_[i]);
  }
}

void StartupScope::Link() {
  callers_.assign(functions_.size(), {});
  callees_.assign(functions_.size(), {});
  for (size_t i = 0; i < functions_.size(); ++i) {
    position_[{functions_[i].index, functions_[i].function}] = i;
  }
  for (size_t i = 0; i < functions_.size(); ++i) {
    const FunctionRef& f = functions_[i];
    const IndexedFunction& function = Function(f);
    if ((function.flags & kFunctionWeak) == 0) {
      by_unit_[{f.index, function.unit}].push_back(i);
    }
    for (uint32_t k = 0; k < function.refs_count; ++k) {
      uint32_t ref = f.index->refs()[function.refs_begin + k];
      if (ref & kRefData) {
        by_data_[DataKey(f, ref & ~kRefData)].push_back(i);
        continue;
      }
      auto callee = position_.find({f.index, ref});
      if (callee == position_.end() || callee->second == i) continue;
      callees_[i].push_back(callee->second);
      callers_[callee->second].push_back(i);
    }
  }
}

// The seeds, every member that (transitively) calls one of them, and
// everything all of those (transitively) call.
std::vector<size_t> StartupScope::Closure(std::vector<size_t> seeds) const {
  std::vector<bool> reached(functions_.size(), false);
  std::vector<size_t> order;
  auto walk = [&](std::vector<size_t> queue,
                  const std::vector<std::vector<size_t>>& edges) {
    for (size_t i : queue) {
      if (!reached[i]) {
        reached[i] = true;
        order.push_back(i);
      }
    }
    while (!queue.empty()) {
      size_t i = queue.back();
      queue.pop_back();
      for (size_t next : edges[i]) {
        if (reached[next]) continue;
        reached[next] = true;
        order.push_back(next);
        queue.push_back(next);
      }
    }
  };
  walk(std::move(seeds), callers_);
  walk(order, callees_);
  return order;
}

const std::vector<FunctionRef>& StartupScope::RelevantTo(
    const std::vector<FunctionRef>& executed) {
  std::vector<size_t> seeds;
  std::set<Key> units;
  for (const FunctionRef& e : executed) {
    const IndexedFunction& function = Function(e);
    // An inline function's unit is whichever copy the linker kept: it says
    // nothing about which unit's start-up code matters.
    if ((function.flags & kFunctionWeak) == 0) {
      units.insert({e.index, function.unit});
    }
    for (uint32_t k = 0; k < function.refs_count; ++k) {
      uint32_t ref = e.index->refs()[function.refs_begin + k];
      if ((ref & kRefData) == 0) continue;
      auto users = by_data_.find(DataKey(e, ref & ~kRefData));
      if (users == by_data_.end()) continue;
      seeds.insert(seeds.end(), users->second.begin(), users->second.end());
    }
  }
  for (const Key& unit : units) {
    auto members = by_unit_.find(unit);
    if (members == by_unit_.end()) continue;
    seeds.insert(seeds.end(), members->second.begin(), members->second.end());
  }
  // Tests of one file mostly share their seeds: each set is closed once.
  std::sort(seeds.begin(), seeds.end());
  seeds.erase(std::unique(seeds.begin(), seeds.end()), seeds.end());
  auto [cached, added] = relevant_.try_emplace(seeds);
  if (added) {
    for (size_t i : Closure(seeds)) {
      if (!is_global_[i]) cached->second.push_back(functions_[i]);
    }
  }
  return cached->second;
}

}  // namespace itr::skipper
