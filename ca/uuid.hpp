#pragma once
// Random identifiers: request ids, the CN of certificates issued without a chosen name.
#include <string>

namespace localca::ca {

// A random (version 4, RFC 4122 variant) UUID in its 36-character lowercase text form, drawn
// from the OS entropy source (one getrandom each): unpredictable, for names a client must not
// guess (certificate CNs).
std::string random_uuid();

// The same form, from a per-thread xoshiro256** generator seeded once from the OS: unique (256
// bits of seed per thread, 122 random bits per id) but predictable to whoever sees enough of
// them, and without a system call. For request ids only, which name a log line and a response
// header and are drawn on every request.
std::string request_uuid();

} // namespace localca::ca
