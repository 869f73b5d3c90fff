#include "storage/revocation_notice.h"

#include <cstdint>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/random.h"
#include "storage/pg/sql_values.h"

namespace warden::storage {

std::string EncodeRevocationNotice(const RevocationNotice& notice) {
  std::string payload = absl::StrCat(notice.id, " ", ToMicros(notice.expires_at));
  if (notice.sent_at.has_value()) absl::StrAppend(&payload, " ", ToMicros(*notice.sent_at));
  if (notice.sent_at.has_value() && notice.effective_from.has_value()) {
    absl::StrAppend(&payload, " ", ToMicros(*notice.effective_from));
  }
  return payload;
}

std::optional<RevocationNotice> ParseRevocationNotice(const std::string& payload) {
  const std::vector<std::string> fields = absl::StrSplit(payload, ' ');
  if (fields.size() < 2 || fields.size() > 4) return std::nullopt;
  RevocationNotice notice;
  notice.id = fields[0];
  int64_t expires_micros = 0;
  if (!IsUuid(notice.id) || !absl::SimpleAtoi(fields[1], &expires_micros)) return std::nullopt;
  notice.expires_at = FromMicros(expires_micros);
  if (fields.size() >= 3) {
    int64_t sent_micros = 0;
    if (!absl::SimpleAtoi(fields[2], &sent_micros)) return std::nullopt;
    notice.sent_at = FromMicros(sent_micros);
  }
  if (fields.size() == 4) {
    int64_t effective_micros = 0;
    if (!absl::SimpleAtoi(fields[3], &effective_micros)) return std::nullopt;
    notice.effective_from = FromMicros(effective_micros);
  }
  return notice;
}

}  // namespace warden::storage
