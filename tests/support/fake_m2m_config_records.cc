#include "tests/support/fake_m2m_config_records.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/random.h"
#include "common/status_macros.h"

namespace warden::testing {
namespace {

absl::Status NotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("m2m config ", id, " not found"));
}

}  // namespace

absl::Status FakeM2mConfigRecords::CheckWrite(const M2mConfig& config,
                                              const storage::RoleWriter& writer) const {
  for (const auto& [id, other] : configs_) {
    if (other.issuer == config.issuer && id != config.id) {
      return absl::AlreadyExistsError(
          absl::StrCat("an m2m config for issuer ", config.issuer, " already exists"));
    }
  }
  std::shared_ptr<const RoleSnapshot> snapshot = roles_.Snapshot();
  std::set<std::string> missing;
  std::vector<Role> mapped;
  for (const M2mMapping& mapping : config.mappings) {
    if (const Role* role = snapshot->Find(mapping.role)) {
      mapped.push_back(*role);
    } else {
      missing.insert(mapping.role);
    }
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown role(s) in mappings: ", absl::StrJoin(missing, ", ")));
  }
  if (!writer.check) return absl::OkStatus();
  std::vector<Role> held;
  for (const std::string& name : writer.roles) {
    if (const Role* role = snapshot->Find(name)) held.push_back(*role);
  }
  return writer.check(held, mapped);
}

void FakeM2mConfigRecords::List(Done<std::vector<M2mConfig>> done) {
  Answer("List", std::move(done), [&] {
    std::vector<M2mConfig> all;
    for (const auto& [id, config] : configs_) all.push_back(config);
    std::sort(all.begin(), all.end(),
              [](const M2mConfig& a, const M2mConfig& b) { return a.issuer < b.issuer; });
    return all;
  });
}

void FakeM2mConfigRecords::Get(std::string id, Done<M2mConfig> done) {
  Answer("Get", std::move(done), [&]() -> absl::StatusOr<M2mConfig> {
    auto it = configs_.find(id);
    if (it == configs_.end()) return NotFound(id);
    return it->second;
  });
}

void FakeM2mConfigRecords::Add(M2mConfig config, storage::RoleWriter writer, Done<M2mConfig> done) {
  Answer("Add", std::move(done), [&]() -> absl::StatusOr<M2mConfig> {
    config.id = NewUuidV4();
    config.revision = 1;
    RETURN_IF_ERROR(CheckWrite(config, writer));
    configs_.emplace(config.id, config);
    return config;
  });
}

void FakeM2mConfigRecords::Update(M2mConfig config, storage::RoleWriter writer,
                                  Done<M2mConfig> done) {
  Answer("Update", std::move(done), [&]() -> absl::StatusOr<M2mConfig> {
    auto it = configs_.find(config.id);
    if (it == configs_.end()) return NotFound(config.id);
    RETURN_IF_ERROR(CheckWrite(config, writer));
    config.revision = it->second.revision + 1;
    it->second = config;
    return config;
  });
}

void FakeM2mConfigRecords::Delete(std::string id, StatusDone done) {
  Answer("Delete", std::move(done), [&]() -> absl::Status {
    if (configs_.erase(id) == 0) return NotFound(id);
    return absl::OkStatus();
  });
}

std::vector<M2mConfig> FakeM2mConfigRecords::configs() const {
  absl::MutexLock lock(&mu_);
  std::vector<M2mConfig> all;
  for (const auto& [id, config] : configs_) all.push_back(config);
  return all;
}

}  // namespace warden::testing
