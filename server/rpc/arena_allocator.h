#pragma once

#include <google/protobuf/arena.h>
#include <grpcpp/support/message_allocator.h>

#include <cstddef>

namespace warden {

// Allocates a unary callback method's request and answer in one protobuf arena per call, set
// with the generated SetMessageAllocatorFor_<Method>. An answer of many small parts (an
// identity's permissions map: a node and a key per resource) then costs bump allocations,
// all freed at once when gRPC releases the call, instead of a malloc and a free each. The
// arena's first block lives in the holder itself, so a typical call makes one allocation.
// Thread-safe (it holds no state); must outlive the server.
template <typename Request, typename Response>
class ArenaMessageAllocator final : public grpc::MessageAllocator<Request, Response> {
 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override { return new Holder(); }

 private:
  // Enough for ValidateToken's request (the token) and an answer with a few dozen
  // permissions; a larger one continues in blocks the arena allocates.
  static constexpr size_t kFirstBlockBytes = 4096;

  class Holder final : public grpc::MessageHolder<Request, Response> {
   public:
    Holder() : arena_(Options(first_block_)) {
      this->set_request(google::protobuf::Arena::CreateMessage<Request>(&arena_));
      this->set_response(google::protobuf::Arena::CreateMessage<Response>(&arena_));
    }
    void Release() override { delete this; }

   private:
    static google::protobuf::ArenaOptions Options(char* block) {
      google::protobuf::ArenaOptions options;
      options.initial_block = block;
      options.initial_block_size = kFirstBlockBytes;
      return options;
    }

    alignas(std::max_align_t) char first_block_[kFirstBlockBytes];
    google::protobuf::Arena arena_;  // after first_block_, which it uses
  };
};

}  // namespace warden
