#include "server/reflection/descriptor_index.h"

#include <google/protobuf/descriptor.pb.h>

#include <set>

#include "glog/logging.h"

namespace warden {
namespace {

namespace pb = google::protobuf;

std::string Qualify(const std::string& scope, const std::string& name) {
  return scope.empty() ? name : scope + "." + name;
}

}  // namespace

DescriptorIndex::DescriptorIndex(std::string_view serialized_set) {
  pb::FileDescriptorSet set;
  CHECK(set.ParseFromArray(serialized_set.data(), static_cast<int>(serialized_set.size())))
      << "the embedded descriptor set does not parse";
  for (const pb::FileDescriptorProto& file : set.file()) {
    const std::string& name = file.name();
    auto add = [this, &name](const std::string& symbol) { symbol_to_file_[symbol] = name; };
    // Messages and enums nest; walk them with an explicit stack of (scope, message).
    std::vector<std::pair<std::string, const pb::DescriptorProto*>> stack;
    for (const auto& message : file.message_type()) stack.emplace_back(file.package(), &message);
    while (!stack.empty()) {
      auto [scope, message] = stack.back();
      stack.pop_back();
      std::string full = Qualify(scope, message->name());
      add(full);
      messages_[full] = name;
      for (const auto& field : message->field()) add(Qualify(full, field.name()));
      for (const auto& nested : message->enum_type()) add(Qualify(full, nested.name()));
      for (const auto& nested : message->nested_type()) stack.emplace_back(full, &nested);
    }
    for (const auto& e : file.enum_type()) add(Qualify(file.package(), e.name()));
    for (const auto& service : file.service()) {
      std::string full = Qualify(file.package(), service.name());
      add(full);
      for (const auto& method : service.method()) add(Qualify(full, method.name()));
    }
    File& entry = files_[name];
    entry.serialized = file.SerializeAsString();
    entry.imports.assign(file.dependency().begin(), file.dependency().end());
  }
}

std::optional<std::vector<std::string>> DescriptorIndex::FileWithImports(
    const std::string& file_name) const {
  if (files_.count(file_name) == 0) return std::nullopt;
  std::vector<std::string> out;
  std::set<std::string> seen{file_name};
  std::vector<std::string> pending{file_name};
  while (!pending.empty()) {
    std::string next = std::move(pending.back());
    pending.pop_back();
    auto it = files_.find(next);
    if (it == files_.end()) continue;  // --include_imports makes this unreachable
    out.push_back(it->second.serialized);
    for (const std::string& dep : it->second.imports) {
      if (seen.insert(dep).second) pending.push_back(dep);
    }
  }
  return out;
}

std::optional<std::vector<std::string>> DescriptorIndex::FileContainingSymbol(
    const std::string& symbol) const {
  auto it = symbol_to_file_.find(symbol);
  if (it == symbol_to_file_.end()) return std::nullopt;
  return FileWithImports(it->second);
}

}  // namespace warden
