#include "notifier/notice_json.h"

#include "absl/strings/str_cat.h"
#include "notifier/expiry_message.h"

namespace warden::notifier {
namespace {

std::string Quoted(absl::string_view text) {
  return DumpOneLine(nlohmann::json(std::string(text)));
}

}  // namespace

const char* NoticeKindName(NoticeKind kind) {
  return kind == NoticeKind::kInactive ? "inactive" : "expiring";
}

std::string HowToRotate(absl::string_view token_id) {
  return absl::StrCat("wardenctl token rotate ", token_id);
}

nlohmann::json NoticeJson(const ExpiringTokenNotice& notice, absl::Time run_at,
                          absl::string_view slice_name) {
  const bool inactive = notice.kind == NoticeKind::kInactive;
  nlohmann::json record{
      {"event", inactive ? "token_inactive" : "token_expiring"},
      {"time", FormatRfc3339(run_at)},
      {"token_id", notice.token_id},
      {"token_name", notice.token_name},
      {"expires_at", FormatRfc3339(notice.expires_at)},
      {"remaining", notice.slices_left},
      {"slice", std::string(slice_name)},
      {"message", notice.message},
      {"kind", NoticeKindName(notice.kind)},
  };
  if (inactive) {
    record["idle_days"] = notice.idle_days;
    record["last_used_at"] = notice.last_used_at.has_value()
                                 ? nlohmann::json(FormatRfc3339(*notice.last_used_at))
                                 : nlohmann::json(nullptr);
    record["revoke_after"] = FormatRfc3339(notice.revoke_after);
  } else {
    record["how_to_rotate"] = HowToRotate(notice.token_id);
  }
  return record;
}

std::string NoticeJsonLine(const ExpiringTokenNotice& notice, absl::string_view run_at,
                           absl::string_view slice_name) {
  // Every string goes through nlohmann's escaping; only the keys are literal.
  const bool inactive = notice.kind == NoticeKind::kInactive;
  std::string line = absl::StrCat(
      R"({"event":)", inactive ? R"("token_inactive")" : R"("token_expiring")", R"(,"time":)",
      Quoted(run_at), R"(,"token_id":)", Quoted(notice.token_id), R"(,"token_name":)",
      Quoted(notice.token_name), R"(,"expires_at":)", Quoted(FormatRfc3339(notice.expires_at)),
      R"(,"remaining":)", notice.slices_left, R"(,"slice":)", Quoted(slice_name), R"(,"message":)",
      Quoted(notice.message), R"(,"kind":")", NoticeKindName(notice.kind), R"(")");
  if (inactive) {
    absl::StrAppend(
        &line, R"(,"idle_days":)", notice.idle_days, R"(,"last_used_at":)",
        notice.last_used_at.has_value() ? Quoted(FormatRfc3339(*notice.last_used_at)) : "null",
        R"(,"revoke_after":)", Quoted(FormatRfc3339(notice.revoke_after)));
  } else {
    absl::StrAppend(&line, R"(,"how_to_rotate":)", Quoted(HowToRotate(notice.token_id)));
  }
  line += "}";
  return line;
}

std::string DumpOneLine(const nlohmann::json& value) {
  return value.dump(/*indent=*/-1, ' ', /*ensure_ascii=*/false,
                    nlohmann::json::error_handler_t::replace);
}

}  // namespace warden::notifier
