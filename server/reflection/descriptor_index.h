#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

// Answers the questions server reflection asks, from a serialized FileDescriptorSet that
// keeps its source info: which file defines a symbol, and a file with everything it
// imports. Immutable after construction; thread-safe.
class DescriptorIndex final {
 public:
  // CHECK-fails if `serialized_set` is not a FileDescriptorSet: it is built into the binary.
  explicit DescriptorIndex(std::string_view serialized_set);

  // The serialized FileDescriptorProtos of `file_name` and its transitive imports, the file
  // itself first. nullopt if the file is unknown.
  std::optional<std::vector<std::string>> FileWithImports(const std::string& file_name) const;
  // The same for the file defining `symbol`: a fully qualified service, method, message,
  // enum or field name ("warden.v1.TokenService.GenerateToken").
  std::optional<std::vector<std::string>> FileContainingSymbol(const std::string& symbol) const;
  // True if `type` names a message.
  bool IsMessage(const std::string& type) const { return messages_.count(type) == 1; }

 private:
  struct File {
    std::string serialized;
    std::vector<std::string> imports;
  };
  std::map<std::string, File> files_;
  std::map<std::string, std::string> symbol_to_file_;
  std::map<std::string, std::string> messages_;  // full name -> file
};

}  // namespace warden
