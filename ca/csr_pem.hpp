#pragma once
// The transport forms of a CSR: PEM ("BEGIN CERTIFICATE REQUEST" or "BEGIN NEW CERTIFICATE
// REQUEST", LF or CRLF, surrounding white space) or raw DER.
#include "ca/der_reader.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace localca::ca {

// The DER of a PEM or DER request (DER is returned as it is, for the DER checks to judge).
// Throws der_error when it is neither, or the PEM block is broken.
std::vector<std::uint8_t> csr_to_der(std::string_view pem_or_der);

} // namespace localca::ca
