#pragma once
// The subject Name of a request: its DER structure, and the commonName a certificate's
// duplicate-subject rules look at.
#include "ca/der_reader.hpp"

#include <botan/x509_dn.h>

#include <optional>
#include <string>

namespace localca::ca {

// Subject Name: SEQUENCE OF SET OF SEQUENCE { OID, string }, with non-empty sets and directory
// string types only. Throws der_error otherwise.
void check_name_structure(const der_element& name);

// The value of the first commonName (2.5.4.3) of `dn`, if any.
std::optional<std::string> first_common_name(const Botan::X509_DN& dn);

} // namespace localca::ca
