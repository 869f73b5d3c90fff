#include "declarative/yaml_document.h"

#include <exception>
#include <sstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "yaml-cpp/eventhandler.h"
#include "yaml-cpp/parser.h"

namespace warden::declarative_internal {
namespace {

// yaml-cpp's own message, which may end with raw text from the file ("unknown escape
// character: " and the character itself, a newline included): escaped and cut like every
// other piece of the file in a message, so that it cannot forge a second message line.
std::string EscapedYamlMessage(const std::string& message) {
  constexpr size_t kMaxBytes = 200;
  const std::string escaped =
      absl::Utf8SafeCEscape(absl::string_view(message).substr(0, kMaxBytes));
  return message.size() > kMaxBytes ? absl::StrCat(escaped, "...") : escaped;
}

// Sees the documents of a text go by without building them, remembering where the root
// node of the latest one is.
class DocumentCounter final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override { root_seen_ = false; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Saw(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Saw(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Saw(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Saw(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Saw(mark);
  }
  void OnMapEnd() override {}

  const YAML::Mark& root_mark() const { return root_mark_; }

 private:
  void Saw(const YAML::Mark& mark) {
    if (!root_seen_) root_mark_ = mark;
    root_seen_ = true;
  }

  bool root_seen_ = false;
  YAML::Mark root_mark_ = YAML::Mark::null_mark();
};

}  // namespace

absl::Status ReadYamlDocument(
    absl::string_view yaml_text, absl::string_view source_name, size_t max_bytes,
    absl::FunctionRef<absl::Status(YamlReader& reader, const YAML::Node& root)> read) {
  if (yaml_text.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ": is larger than ", max_bytes, " bytes"));
  }
  YamlReader reader(std::string(source_name), 4 * max_bytes);
  try {
    // Load alone would silently ignore everything after a second "---", so the documents are
    // counted first. Not with YAML::LoadAll: in yaml-cpp 0.7 it never returns on some
    // malformed text (a lone ",": the parser yields empty documents forever without
    // consuming anything) and builds every one, hanging and eating memory. Two are enough.
    const std::string text(yaml_text);
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    DocumentCounter counter;
    if (!parser.HandleNextDocument(counter)) return read(reader, YAML::Node());
    if (parser.HandleNextDocument(counter)) {
      return reader.Error(counter.root_mark(), "", "only one YAML document is allowed");
    }
    return read(reader, YAML::Load(text));
  } catch (const YAML::ParserException& e) {
    return reader.Error(e.mark, "", absl::StrCat("YAML syntax error: ", EscapedYamlMessage(e.msg)));
  } catch (const YAML::Exception& e) {
    return reader.Error(e.mark, "", absl::StrCat("YAML error: ", EscapedYamlMessage(e.msg)));
  } catch (const std::exception& e) {
    // Not the file's fault (e.g. std::bad_alloc).
    return absl::InternalError(absl::StrCat(source_name, ": ", e.what()));
  }
}

}  // namespace warden::declarative_internal
