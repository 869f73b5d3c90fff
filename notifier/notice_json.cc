#include "notifier/notice_json.h"

#include "absl/strings/str_cat.h"
#include "notifier/expiry_message.h"

namespace warden::notifier {

nlohmann::json NoticeJson(const ExpiringTokenNotice& notice, absl::Time run_at,
                          absl::string_view slice_name) {
  return nlohmann::json{
      {"event", "token_expiring"},
      {"time", FormatRfc3339(run_at)},
      {"token_id", notice.token_id},
      {"token_name", notice.token_name},
      {"expires_at", FormatRfc3339(notice.expires_at)},
      {"remaining", notice.slices_left},
      {"slice", std::string(slice_name)},
      {"message", notice.message},
  };
}

std::string NoticeJsonLine(const ExpiringTokenNotice& notice, absl::string_view run_at,
                           absl::string_view slice_name) {
  // Every string goes through nlohmann's escaping; only the keys are literal.
  const auto quoted = [](absl::string_view text) {
    return DumpOneLine(nlohmann::json(std::string(text)));
  };
  return absl::StrCat(R"({"event":"token_expiring","time":)", quoted(run_at), R"(,"token_id":)",
                      quoted(notice.token_id), R"(,"token_name":)", quoted(notice.token_name),
                      R"(,"expires_at":)", quoted(FormatRfc3339(notice.expires_at)),
                      R"(,"remaining":)", notice.slices_left, R"(,"slice":)", quoted(slice_name),
                      R"(,"message":)", quoted(notice.message), "}");
}

std::string DumpOneLine(const nlohmann::json& value) {
  return value.dump(/*indent=*/-1, ' ', /*ensure_ascii=*/false,
                    nlohmann::json::error_handler_t::replace);
}

}  // namespace warden::notifier
