#include "client/local_validator.h"

#include <grpcpp/client_context.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/status_macros.h"
#include "glog/logging.h"
#include "proto/convert/convert.h"
#include "validation/jose/jws.h"
#include "validation/jose/key_ring.h"
#include "validation/token_validator.h"

namespace warden {
namespace {

absl::Status ToAbsl(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

// Each M2M configuration's id and revision.
std::map<std::string, int64_t> RevisionsFrom(const v1::WatchRevocationsResponse& message) {
  std::map<std::string, int64_t> revisions;
  for (int i = 0; i < message.m2m_config_ids_size(); ++i) {
    // A server from before revisions sends none: its tokens carry none either (revision 1).
    revisions[message.m2m_config_ids(i)] =
        i < message.m2m_config_revisions_size() ? message.m2m_config_revisions(i) : 1;
  }
  return revisions;
}

std::vector<Role> RolesFrom(const google::protobuf::RepeatedPtrField<v1::WatchedRole>& watched) {
  std::vector<Role> roles;
  for (const v1::WatchedRole& in : watched) {
    Role role;
    role.name = in.name();
    for (const auto& [resource, level] : in.permissions()) {
      if (std::optional<Access> access = FromProto(level)) {
        role.permission_set.permissions[resource] = *access;
      }
    }
    roles.push_back(std::move(role));
  }
  return roles;
}

// Whether `a` and `b` read the same to ToProto(Identity, ...): then, under one role snapshot,
// their answers are the same.
bool SameAnswer(const Identity& a, const Identity& b) {
  return a.kind == b.kind && a.id == b.id && a.token_id == b.token_id && a.name == b.name &&
         a.roles == b.roles && a.expires_at == b.expires_at && a.claims == b.claims;
}

}  // namespace

// A key ring and a validator over it, swapped whole when the keys are fetched again.
struct LocalValidator::Keys {
  Keys(jose::KeyRing keys, jose::VerifyOptions options, const ValidationState& state,
       size_t cache_size)
      : ring(std::move(keys)),
        validator(ring, std::move(options), state, RealClock::Get(), cache_size) {}
  const jose::KeyRing ring;
  const TokenValidator validator;  // refers to `ring`
};

absl::StatusOr<std::unique_ptr<LocalValidator>> LocalValidator::Start(ClientOptions options,
                                                                      LocalValidatorOptions local) {
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, CreateWardenChannel(options));
  std::unique_ptr<LocalValidator> validator(
      new LocalValidator(std::move(options), local, std::move(channel)));
  RETURN_IF_ERROR(validator->FetchKeys());
  validator->watch_thread_ = std::thread([v = validator.get()] { v->WatchLoop(); });
  absl::MutexLock lock(&validator->mu_);
  auto settled = [v = validator.get()]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(v->mu_) {
    return v->synced_ || (!v->last_error_.ok() &&
                          (v->last_error_.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
                           v->last_error_.error_code() == grpc::StatusCode::PERMISSION_DENIED));
  };
  validator->mu_.AwaitWithTimeout(absl::Condition(&settled), local.start_timeout);
  if (!validator->synced_) {
    absl::Status error = ToAbsl(validator->last_error_);
    if (error.ok()) {
      error =
          absl::DeadlineExceededError("no revocation state from Warden within the start timeout");
    }
    return absl::Status(error.code(), absl::StrCat("cannot watch revocations: ", error.message()));
  }
  return validator;  // the destructor stops the thread on every path
}

LocalValidator::LocalValidator(ClientOptions options, LocalValidatorOptions local,
                               std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      local_(local),
      channel_(std::move(channel)),
      stub_(v1::AuthService::NewStub(channel_)) {}

LocalValidator::~LocalValidator() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (stream_context_ != nullptr) stream_context_->TryCancel();
  }
  if (watch_thread_.joinable()) watch_thread_.join();
}

absl::Status LocalValidator::FetchKeys() const {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
  v1::GetPublicKeysResponse response;
  RETURN_IF_ERROR(ToAbsl(stub_->GetPublicKeys(&context, v1::GetPublicKeysRequest(), &response)));
  return InstallKeys(response);
}

absl::Status LocalValidator::InstallKeys(const v1::GetPublicKeysResponse& response) const {
  nlohmann::json jwks = nlohmann::json::parse(response.jwks(), nullptr, /*allow_exceptions=*/false);
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array()) {
    return absl::InternalError("Warden's public keys are not a JSON Web Key Set");
  }
  std::vector<std::shared_ptr<const jose::SigningKey>> keys;
  for (const nlohmann::json& jwk : jwks["keys"]) {
    ASSIGN_OR_RETURN(std::shared_ptr<const jose::SigningKey> key, jose::SigningKey::FromJwk(jwk));
    keys.push_back(std::move(key));
  }
  ASSIGN_OR_RETURN(jose::KeyRing ring, jose::KeyRing::CreateForVerification(std::move(keys)));
  jose::VerifyOptions verify;
  verify.issuer = response.issuer();
  verify.audience = response.audience();
  verify.leeway =
      absl::Seconds(response.leeway().seconds()) + absl::Nanoseconds(response.leeway().nanos());
  if (response.has_high_s_issued_before()) {
    verify.high_s_issued_before = absl::FromUnixSeconds(response.high_s_issued_before().seconds()) +
                                  absl::Nanoseconds(response.high_s_issued_before().nanos());
  }
  auto next =
      std::make_shared<const Keys>(std::move(ring), std::move(verify), state_, local_.cache_size);
  absl::MutexLock lock(&mu_);
  keys_ = std::move(next);
  ++key_fetches_;
  return absl::OkStatus();
}

std::shared_ptr<const LocalValidator::Keys> LocalValidator::CurrentKeys() const {
  absl::MutexLock lock(&mu_);
  return keys_;
}

absl::StatusOr<v1::Identity> LocalValidator::Validate(absl::string_view token) const {
  ASSIGN_OR_RETURN(std::shared_ptr<const v1::Identity> answer, ValidateShared(token));
  return *answer;
}

absl::StatusOr<std::shared_ptr<const v1::Identity>> LocalValidator::ValidateShared(
    absl::string_view token) const {
  const absl::Time now = absl::Now();
  std::shared_ptr<const Keys> keys;
  {
    absl::ReaderMutexLock lock(&mu_);  // validating threads share it
    if (!connected_ && now - disconnected_at_ > local_.max_disconnected) {
      return absl::UnavailableError(
          "the revocation watch has been down too long to vouch for tokens locally");
    }
    keys = keys_;
  }
  absl::StatusOr<Identity> identity = keys->validator.Validate(token);
  if (!identity.ok()) {
    // A key published after the last fetch: fetch again (rate-limited) and retry once.
    absl::StatusOr<jose::DecodedJws> decoded =
        jose::DecodeJwsUnverified(std::string_view(token.data(), token.size()), {});
    if (decoded.ok() && decoded->header.contains("kid") && decoded->header["kid"].is_string() &&
        keys->ring.Find(decoded->header["kid"].get<std::string>()) == nullptr) {
      bool fetch;
      {
        absl::MutexLock lock(&mu_);
        fetch = now - last_key_fetch_ >= local_.key_refresh_cooldown;
        if (fetch) last_key_fetch_ = now;
      }
      if (fetch && FetchKeys().ok()) identity = CurrentKeys()->validator.Validate(token);
    }
  }
  if (!identity.ok()) return identity.status();
  return AnswerFor(*identity);
}

std::shared_ptr<const v1::Identity> LocalValidator::AnswerFor(const Identity& identity) const {
  std::shared_ptr<const RoleSnapshot> roles = state_.roles().Snapshot();
  {
    absl::ReaderMutexLock lock(&answers_mu_);
    auto it = answers_.find(identity.token_id);
    if (it != answers_.end() && it->second.roles == roles &&
        SameAnswer(it->second.identity, identity)) {
      return it->second.answer;
    }
  }
  auto answer = std::make_shared<v1::Identity>();
  ToProto(identity, *roles->Resolve(identity.roles), answer.get());
  absl::MutexLock lock(&answers_mu_);
  if (answers_.size() >= std::max<size_t>(local_.cache_size, 1)) answers_.clear();
  answers_.insert_or_assign(identity.token_id, Answer{identity, std::move(roles), answer});
  return answer;
}

LocalValidator::Stats LocalValidator::stats() const {
  absl::MutexLock lock(&mu_);
  return Stats{connects_, resets_, key_fetches_, connected_};
}

void LocalValidator::WatchLoop() {
  absl::Duration backoff = local_.reconnect_backoff;
  while (true) {
    grpc::Status status = WatchOnce();
    absl::MutexLock lock(&mu_);
    if (connected_) {
      connected_ = false;
      disconnected_at_ = absl::Now();
      backoff = local_.reconnect_backoff;  // it was up: start over
    }
    last_error_ = status;
    if (stopping_) return;
    LOG(WARNING) << "Warden revocation watch ended (" << status.error_message()
                 << "); reconnecting in " << absl::FormatDuration(backoff);
    auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping), backoff)) return;
    backoff = std::min(backoff * 2, local_.max_reconnect_backoff);
  }
}

grpc::Status LocalValidator::WatchOnce() {
  grpc::ClientContext context;
  if (!options_.credentials.empty()) {
    context.AddMetadata("authorization", options_.credentials.authorization());
  }
  v1::WatchRevocationsRequest request;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return grpc::Status(grpc::StatusCode::CANCELLED, "stopping");
    stream_context_ = &context;
    request.set_cursor(cursor_);
    ++connects_;
  }
  std::unique_ptr<grpc::ClientReader<v1::WatchRevocationsResponse>> reader =
      stub_->WatchRevocations(&context, request);
  v1::WatchRevocationsResponse message;
  absl::Status applied;
  while (applied.ok() && reader->Read(&message)) {
    applied = Apply(message);
    if (!applied.ok()) context.TryCancel();
  }
  grpc::Status status = reader->Finish();
  if (!applied.ok()) {
    status =
        grpc::Status(static_cast<grpc::StatusCode>(applied.code()), std::string(applied.message()));
  }
  absl::MutexLock lock(&mu_);
  stream_context_ = nullptr;
  return status;
}

absl::Status LocalValidator::Apply(const v1::WatchRevocationsResponse& message) {
  // A full state names every key the server verifies with: keys it no longer names go.
  if (message.has_public_keys()) RETURN_IF_ERROR(InstallKeys(message.public_keys()));
  // Revocations are permanent, so a full state (reset) needs nothing forgotten: adding its
  // revocations to those known is exact. Roles and M2M configurations come as whole sets.
  std::vector<RevocationView::Entry> revoked;
  revoked.reserve(message.revocations_size());
  for (const v1::RevokedToken& token : message.revocations()) {
    RevocationView::Entry entry{token.id(), absl::InfinitePast()};
    ASSIGN_OR_RETURN(entry.expires_at, FromProto(token.expiration(), "expiration"));
    if (token.has_effective_from()) {
      ASSIGN_OR_RETURN(entry.effective_from, FromProto(token.effective_from(), "effective_from"));
    }
    revoked.push_back(std::move(entry));
  }
  state_.revocations().AddAll(revoked);
  if (message.roles_changed()) state_.roles().Replace(RolesFrom(message.roles()));
  if (message.m2m_configs_changed()) state_.ReplaceM2mConfigs(RevisionsFrom(message));
  if (message.auth_providers_changed()) {
    std::map<std::string, int64_t> providers;
    for (int i = 0;
         i < message.auth_provider_ids_size() && i < message.auth_provider_revisions_size(); ++i) {
      providers[message.auth_provider_ids(i)] = message.auth_provider_revisions(i);
    }
    state_.ReplaceAuthProviders(std::move(providers));
  }

  const absl::Time now = absl::Now();
  bool prune = false;
  {
    absl::MutexLock lock(&mu_);
    if (message.reset()) ++resets_;
    if (!message.cursor().empty()) {
      cursor_ = message.cursor();
      synced_ = true;
      connected_ = true;
    }
    if (now - last_prune_ > absl::Minutes(1)) {
      last_prune_ = now;
      prune = true;
    }
  }
  // A revoked token past its expiry (and any leeway) is rejected as expired anyway.
  if (prune) state_.revocations().PruneExpiredBefore(now - absl::Hours(1));
  return absl::OkStatus();
}

}  // namespace warden
