#pragma once
// The certificate profile of Foundry certificates.
#include "ca/profile.hpp"

namespace localca::server::foundry {

// As AWS IoT issues device certificates (decoded sample in the notes): critical CA:FALSE,
// critical keyUsage digitalSignature, no EKU, valid until the issuing root expires; plus the
// SKI, AKI and CRL distribution point every profile has. Stored as profile "foundry".
ca::certificate_profile device_certificate_profile();

} // namespace localca::server::foundry
