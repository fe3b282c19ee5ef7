#pragma once
// Private: request ids.
#include <string>

namespace localca::server {

// A random (version 4, RFC 4122 variant) UUID in its 36-character lowercase text form.
std::string make_request_id();

} // namespace localca::server
