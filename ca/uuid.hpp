#pragma once
// Random identifiers: request ids, the CN of certificates issued without a chosen name.
#include <string>

namespace localca::ca {

// A random (version 4, RFC 4122 variant) UUID in its 36-character lowercase text form.
std::string random_uuid();

} // namespace localca::ca
