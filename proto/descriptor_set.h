#pragma once

#include <string_view>

namespace warden {

// The serialized google.protobuf.FileDescriptorSet of every proto the server serves
// (warden.v1, grpc.health.v1, grpc.reflection.v1 and v1alpha, and their imports), with
// source info, so reflection clients see the comments. Built into the binary.
std::string_view WardenDescriptorSet();

}  // namespace warden
