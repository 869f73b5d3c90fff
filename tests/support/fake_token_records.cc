#include "tests/support/fake_token_records.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace warden::testing {
namespace {

const std::string& RootOf(const TokenMetadata& token) {
  return token.root.empty() ? token.created_by : token.root;
}

absl::Status NotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("token ", id, " not found"));
}

// A keyset order: (time, id).
using Key = std::pair<absl::Time, std::string>;
Key ByIssue(const TokenMetadata& token) { return {token.issued_at, token.id}; }
Key ByExpiry(const TokenMetadata& token) { return {token.expires_at, token.id}; }

// Orders `tokens` by `key` and keeps one page: at most `limit` strictly after `after`.
// Returns whether more follow.
bool Paginate(std::vector<TokenMetadata>& tokens, Key (*key)(const TokenMetadata&),
              const std::optional<Key>& after, int limit) {
  std::sort(tokens.begin(), tokens.end(),
            [key](const TokenMetadata& a, const TokenMetadata& b) { return key(a) < key(b); });
  if (after.has_value()) {
    std::erase_if(tokens, [&](const TokenMetadata& token) { return !(*after < key(token)); });
  }
  if (tokens.size() <= static_cast<size_t>(limit)) return false;
  tokens.resize(static_cast<size_t>(limit));
  return true;
}

}  // namespace

void FakeTokenRecords::Insert(TokenMetadata token, storage::MintConditions conditions,
                              std::function<void(absl::Status)> done) {
  Answer("Insert", std::move(done), [&]() { return InsertLocked(std::move(token), conditions); });
}

absl::Status FakeTokenRecords::InsertLocked(TokenMetadata token,
                                            storage::MintConditions conditions) {
  {
    last_conditions_ = conditions;
    if (tokens_.count(token.id) > 0) {
      return absl::AlreadyExistsError(absl::StrCat("token ", token.id, " already exists"));
    }
    if (conditions.role_generation.has_value() && *conditions.role_generation != role_generation_) {
      return absl::AbortedError(kStaleRolesMessage);
    }
    if (conditions.max_live_per_root > 0) {
      int live = 0;
      for (const auto& [id, held] : tokens_) {
        live += RootOf(held) == RootOf(token) && !held.revoked && held.expires_at > token.issued_at;
      }
      if (live >= conditions.max_live_per_root) {
        return absl::ResourceExhaustedError(
            absl::StrCat("the caller already has ", live,
                         " live tokens, the most one identity may have; revoke some (or let "
                         "them expire) first"));
      }
    }
    tokens_.emplace(token.id, std::move(token));
    return absl::OkStatus();
  }
}

void FakeTokenRecords::Get(std::string id,
                           std::function<void(absl::StatusOr<TokenMetadata>)> done) {
  Answer("Get", std::move(done), [&]() -> absl::StatusOr<TokenMetadata> {
    auto it = tokens_.find(id);
    if (it == tokens_.end()) return NotFound(id);
    return it->second;
  });
}

void FakeTokenRecords::List(storage::TokenListQuery query,
                            std::function<void(absl::StatusOr<storage::TokenPage>)> done) {
  Answer("List", std::move(done), [&]() -> absl::StatusOr<storage::TokenPage> {
    if (query.page_size < 1) return absl::InvalidArgumentError("page_size must be positive");
    storage::TokenPage page;
    for (const auto& [id, token] : tokens_) {
      if (query.revoked.has_value() && token.revoked != *query.revoked) continue;
      if (!query.created_by.empty() && token.created_by != query.created_by) continue;
      if (!query.include_expired && token.expires_at <= query.now) continue;
      if (query.unused_since.has_value() && token.last_used_at.has_value() &&
          *token.last_used_at >= *query.unused_since) {
        continue;
      }
      page.tokens.push_back(token);
    }
    std::optional<Key> after;
    if (query.after.has_value()) after = Key(query.after->issued_at, query.after->id);
    if (Paginate(page.tokens, ByIssue, after, query.page_size)) {
      page.next = storage::TokenCursor{page.tokens.back().issued_at, page.tokens.back().id};
    }
    return page;
  });
}

void FakeTokenRecords::ListExpiring(
    absl::Time now, absl::Time until, std::optional<storage::ExpiringCursor> after, int limit,
    std::function<void(absl::StatusOr<storage::ExpiringPage>)> done) {
  Answer("ListExpiring", std::move(done), [&]() -> absl::StatusOr<storage::ExpiringPage> {
    if (limit < 1) return absl::InvalidArgumentError("limit must be positive");
    storage::ExpiringPage page;
    for (const auto& [id, token] : tokens_) {
      if (!token.revoked && token.rotated_to.empty() && token.expires_at > now &&
          token.expires_at <= until) {
        page.tokens.push_back(token);
      }
    }
    std::optional<Key> start;
    if (after.has_value() && after->expires_at > now) start = Key(after->expires_at, after->id);
    if (Paginate(page.tokens, ByExpiry, start, limit)) {
      page.next = storage::ExpiringCursor{page.tokens.back().expires_at, page.tokens.back().id};
    }
    return page;
  });
}

void FakeTokenRecords::Revoke(std::string id, absl::Time now,
                              std::function<void(absl::StatusOr<TokenMetadata>)> done) {
  Answer("Revoke", std::move(done), [&]() -> absl::StatusOr<TokenMetadata> {
    auto it = tokens_.find(id);
    if (it == tokens_.end()) return NotFound(id);
    if (!it->second.revoked) {
      it->second.revoked = true;
      it->second.revoked_at = now;
    }
    return it->second;
  });
}

void FakeTokenRecords::RevokeTree(storage::RevokeScope scope, absl::Time now,
                                  std::function<void(absl::StatusOr<storage::RevokedTree>)> done) {
  Answer("RevokeTree", std::move(done), [&]() -> absl::StatusOr<storage::RevokedTree> {
    if (scope.id.empty() == scope.created_by.empty()) {
      return absl::InvalidArgumentError("name either a token id or a creator, not both");
    }
    std::vector<std::string> tree;
    if (!scope.id.empty()) {
      if (tokens_.count(scope.id) == 0) return NotFound(scope.id);
      tree.push_back(scope.id);
    } else {
      for (const auto& [id, token] : tokens_) {
        if (token.created_by == scope.created_by) tree.push_back(id);
      }
    }
    for (size_t i = 0; scope.cascade && i < tree.size(); ++i) {
      for (const auto& [id, token] : tokens_) {
        if (token.created_by == "token:" + tree[i]) tree.push_back(id);
      }
    }
    storage::RevokedTree revoked;
    for (const std::string& id : tree) {
      TokenMetadata& token = tokens_.at(id);
      if (token.revoked) continue;
      token.revoked = true;
      token.revoked_at = now;
      revoked.newly_revoked.push_back({id, token.SignedExpiry(), std::nullopt});
    }
    if (!scope.id.empty()) revoked.token = tokens_.at(scope.id);
    return revoked;
  });
}

void FakeTokenRecords::Rotate(storage::Rotation rotation,
                              std::function<void(absl::StatusOr<storage::RotatedTokens>)> done) {
  Answer("Rotate", std::move(done), [&]() -> absl::StatusOr<storage::RotatedTokens> {
    auto it = tokens_.find(rotation.replaced_id);
    if (it == tokens_.end()) return NotFound(rotation.replaced_id);
    TokenMetadata& replaced = it->second;
    if (replaced.revoked || !replaced.rotated_to.empty() ||
        replaced.expires_at <= rotation.successor.issued_at) {
      return absl::FailedPreconditionError(
          absl::StrCat("token ", replaced.id, " is revoked, expired or already rotated"));
    }
    storage::MintConditions conditions = rotation.conditions;
    if (conditions.max_live_per_root > 0 && RootOf(replaced) == RootOf(rotation.successor)) {
      ++conditions.max_live_per_root;
    }
    TokenMetadata successor = rotation.successor;
    if (absl::Status inserted = InsertLocked(successor, conditions); !inserted.ok()) {
      return inserted;
    }
    replaced.rotated_to = successor.id;
    if (rotation.cut_at < replaced.expires_at) {
      replaced.signed_expires_at = replaced.SignedExpiry();
      replaced.expires_at = rotation.cut_at;
    }
    return storage::RotatedTokens{std::move(successor), replaced};
  });
}

void FakeTokenRecords::SetRoleGeneration(int64_t generation) {
  absl::MutexLock lock(&mu_);
  role_generation_ = generation;
}

int64_t FakeTokenRecords::role_generation() const {
  absl::MutexLock lock(&mu_);
  return role_generation_;
}

std::optional<TokenMetadata> FakeTokenRecords::Find(const std::string& id) const {
  absl::MutexLock lock(&mu_);
  auto it = tokens_.find(id);
  if (it == tokens_.end()) return std::nullopt;
  return it->second;
}

std::vector<TokenMetadata> FakeTokenRecords::tokens() const {
  absl::MutexLock lock(&mu_);
  std::vector<TokenMetadata> all;
  for (const auto& [id, token] : tokens_) all.push_back(token);
  return all;
}

storage::MintConditions FakeTokenRecords::last_conditions() const {
  absl::MutexLock lock(&mu_);
  return last_conditions_;
}

}  // namespace warden::testing
