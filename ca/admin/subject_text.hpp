#pragma once
// The subject of a stored certificate as the operator API shows it: exactly the text of
// ca::subject_text (Botan's X509_DN::to_string), made without Botan for the names LocalCA issues.
//
// Why: an export writes one subject per row, and Botan's decode (OID objects, ASN1_String, an
// ostringstream, its OID table lookup) was the largest per-row cost of the export
// (docs/performance.md, "Operator API at size"). The fast path walks the DER itself and takes each
// attribute type's name from Botan once per thread (so the names are Botan's, whatever the OID);
// anything it does not handle byte for byte like Botan — another string type, an empty value, a
// repeated attribute type, input that is not strict DER — goes to ca::subject_text.
#include <cstdint>
#include <span>
#include <string>

namespace localca::ca::admin {

std::string subject_text(std::span<const std::uint8_t> subject_der);

} // namespace localca::ca::admin
