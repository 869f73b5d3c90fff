#include "client/wardenctl/secret_output.h"

#include "absl/strings/str_cat.h"
#include "client/wardenctl/exit_codes.h"
#include "client/wardenctl/output.h"

namespace warden::cli {

absl::StatusOr<SecretTokenOutput> SecretTokenOutput::Open(const ParsedFlags& flags) {
  const std::string path = flags.Get("output-file");
  if (path.empty()) return SecretTokenOutput(path, nullptr);
  absl::StatusOr<std::unique_ptr<PrivateFileWriter>> opened = PrivateFileWriter::Open(path);
  if (!opened.ok()) return LocalError(opened.status());
  return SecretTokenOutput(path, *std::move(opened));
}

absl::Status SecretTokenOutput::Put(Session& session, const std::string& token, Shown shown) {
  if (file_ != nullptr) {
    if (absl::Status saved = file_->Commit(token + "\n"); !saved.ok()) {
      return LocalError(shown.on_save_error ? shown.on_save_error(saved) : saved);
    }
    shown.clear_token();
    if (session.format() == OutputFormat::kJson) {
      session.out() << ToJson(*shown.response);
    } else {
      shown.fields.push_back({"TOKEN", absl::StrCat("written to ", path_, " (mode 0600)")});
      session.out() << RenderFields(shown.fields);
    }
    return absl::OkStatus();
  }
  if (session.format() == OutputFormat::kJson) {
    session.out() << ToJson(*shown.response);
  } else {
    session.out() << token << "\n";
    session.err() << shown.note;
  }
  return absl::OkStatus();
}

}  // namespace warden::cli
