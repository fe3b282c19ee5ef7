#pragma once
// The one "device not found" of the EnOS device rules (the device API and issuance for a device
// answer it alike, and the personality maps it to EnOS's own code).
#include "ca/errc.hpp"

namespace localca::ca::enos {

inline error device_not_found() {
    return make_error(errc::device_not_found, "device not found",
                      "no such device in this organization");
}

} // namespace localca::ca::enos
