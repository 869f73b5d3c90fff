#include "server/oidc/claims.h"

#include "absl/strings/str_cat.h"

namespace warden::oidc {
namespace {

using Json = nlohmann::json;
using Flat = std::map<std::string, std::vector<std::string>>;

class Flattener {
 public:
  explicit Flattener(const FlattenLimits& limits) : limits_(limits) {}

  // `depth` counts the objects and arrays around `value` below the top-level object.
  void Visit(const std::string& key, const Json& value, size_t depth) {
    if (value.is_object()) {
      if (depth >= limits_.max_depth) return;
      for (const auto& [name, member] : value.items()) {
        Visit(absl::StrCat(key, ".", name), member, depth + 1);
      }
    } else if (value.is_array()) {
      if (depth >= limits_.max_depth) return;
      for (const Json& element : value) Visit(key, element, depth + 1);
    } else if (value.is_string()) {
      Add(key, value.get_ref<const std::string&>());
    } else if (value.is_boolean() || value.is_number()) {
      Add(key, value.dump());
    }  // null and binary: nothing.
  }

  Flat Take() { return std::move(flat_); }

 private:
  void Add(const std::string& key, const std::string& text) {
    if (values_ >= limits_.max_values) return;
    auto it = flat_.find(key);
    if (it == flat_.end()) {
      if (flat_.size() >= limits_.max_keys) return;
      it = flat_.emplace(key, std::vector<std::string>()).first;
    }
    it->second.push_back(text);
    ++values_;
  }

  const FlattenLimits& limits_;
  Flat flat_;
  size_t values_ = 0;
};

}  // namespace

Flat FlattenClaims(const Json& claims, const FlattenLimits& limits) {
  if (!claims.is_object()) return {};
  Flattener flattener(limits);
  for (const auto& [name, value] : claims.items()) flattener.Visit(name, value, 0);
  return flattener.Take();
}

}  // namespace warden::oidc
